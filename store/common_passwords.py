"""Passwords long enough for MIN_PASSWORD_LENGTH that are still among the first an attacker
tries (from public breach-frequency lists); compared in lower case. Short ones are refused by
length already, so they are not listed."""

COMMON_PASSWORDS = frozenset(
    """
    123456789012 1234567890123 12345678901234 123456789123 1234567891011 111111111111
    000000000000 123123123123 112233445566 987654321098 098765432109 147258369147
    password1234 password12345 password123456 password2023 password2024 password2025
    password2026 passwordpassword password!123 password@123 password1! passw0rd1234
    qwertyuiop12 qwertyuiop123 qwerty123456 qwertyuiopasdf 1qaz2wsx3edc 1q2w3e4r5t6y
    qwerty1234567 asdfghjkl123 zxcvbnm12345 qazwsxedcrfv 1qazxsw23edc abcdefghijkl
    abcdef123456 abc123456789 abcd12345678 aaaaaaaaaaaa iloveyou1234 iloveyou12345
    letmein12345 letmein123456 welcome12345 welcome123456 welcome2024! welcome2025!
    changeme1234 changeme12345 administrator administrator1 admin1234567 admin12345678
    adminadmin12 superman1234 batman123456 football1234 baseball1234 sunshine1234
    princess1234 dragon123456 monkey123456 trustno11234 starwars1234 whatever1234
    computer1234 internet1234 liverpool123 chocolate123 1234qwerasdf qwerasdfzxcv
    correcthorsebatterystaple
    spring2024!! summer2024!! autumn2024!! winter2024!! springtime2024 summertime2024
    denialdesk123 denialdesk1234 denialdesk2024 denialdesk2025 denialdesk2026
    """.split()
    + ["correct horse battery staple", "password 1234", "let me in please"]
)
