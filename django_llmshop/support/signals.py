"""Signals of the support chat, for shops that want to notify their team.

``handoff_requested(sender=Handoff, handoff, conversation)``: a conversation needs a person
(sent once per handoff, after the transaction commits).

``reply_finished(sender=Message, message)``: an assistant reply is done or failed.
"""

from django.dispatch import Signal

handoff_requested = Signal()
reply_finished = Signal()
