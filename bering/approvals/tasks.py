"""Approval needs no queued tasks: notifications are written in the deciding
transaction and e-mailed by the notifications app; reminders run from the sweep
(``manage.py approvals_remind``)."""
