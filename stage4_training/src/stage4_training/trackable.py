"""(being written: the object graph a Checkpoint walks, and deferred restoration)

The optimizer calls ``slot_created`` right after it makes each slot variable, so
a checkpoint restored before the slots existed can fill them in.
"""

_slot_listeners = []


def slot_created(optimizer, variable, slot_name, slot_variable):
    """Tells every listener that ``optimizer`` made ``slot_variable`` for ``variable``."""
    for listener in list(_slot_listeners):
        listener(optimizer, variable, slot_name, slot_variable)
