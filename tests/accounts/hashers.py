"""A PBKDF2 hasher with one iteration: the same algorithm and format as production's (salted,
"pbkdf2_sha256$..."), so a test can check what is stored without a second of work per hash."""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class OneIterationPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    iterations = 1
