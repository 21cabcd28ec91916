"""The use cases the pages and the API share: write to the store, then tell the workflow
(start, signal, Update), with practice scoping and one mapping of workflow refusals to errors.

Routes parse and render; everything between belongs here, so web/ never copies api/ code.
A refusal is a ServiceError (errors.py) carrying its HTTP status: the API turns it into JSON
with one exception handler, the pages into an inline message.
"""
