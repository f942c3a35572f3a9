"""`slot_freed`: a slot became free once the write that freed it committed (a cancellation,
a move, time off taken away, a hold or waitlist offer that lapsed), with `start`, `end` and
`practitioner_id` (None: anyone's, as when the whole clinic's time off goes). The waitlist
listens (scheduling/tasks.py); booking.py, which frees slots, never learns who does."""

from django.dispatch import Signal

slot_freed = Signal()
