"""Two-factor authentication: an authenticator app (TOTP) plus one-time recovery codes.

Built on django-otp. `services` holds the rules (enrol, verify, recovery codes, reset),
`middleware` keeps an unverified session on the second step, `views` are the pages.
"""
