"""The fictional force's cases and survey invitations for `manage.py demo_data` (development)."""
