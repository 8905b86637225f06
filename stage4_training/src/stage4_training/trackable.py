"""The object graph a checkpoint walks, and values that wait for their variables.

A checkpoint does not save "all variables"; it saves what it can *reach* from
the objects you give it, and names each variable by the path that leads to it:

>>> import stage4_training as tf
>>> from stage4_training import trackable
>>> model = tf.keras.Sequential([tf.keras.layers.Dense(2, input_shape=(3,))])
>>> list(trackable.object_graph({"model": model}).variables)
['model/_layers/0/kernel', 'model/_layers/0/bias']

The children of an object, and so the steps of a path, are:

- whatever ``obj._checkpoint_children()`` returns (``{name: child}``), if it has
  that method (optimizers do: ``{"iter": optimizer.iterations}``);
- none for a ``Variable`` (a leaf: its value is what gets saved);
- for a ``Layer``: its ``add_weight`` variables under their ``add_weight`` names,
  then the layers, variables and lists/dicts its attributes hold;
- for a list, tuple or dict: its items, named ``0``, ``1``, ... or by their keys;
- for any other object: its public attributes that hold something trackable.

The walk is breadth first, so a variable reachable twice is saved once, under
its shortest (first) path. Slot variables of an optimizer are named after the
variable they belong to: ``<variable's path>/.OPTIMIZER_SLOT/<optimizer's path>/m``.

Restoring may come *before* the variables exist (a model not built yet, an
optimizer before its first step). Then the values wait (``wait_for_variables``)
and land the moment the variable is born: ``Layer.add_weight`` and the
optimizer (through ``slot_created``) say when.
"""

import collections
import weakref

from stage2_autodiff import Module, Variable
from stage3_layers.keras import base_layer
from stage3_layers.keras.base_layer import Layer

__all__ = ["ObjectGraph", "object_graph", "children", "is_trackable", "slot_created",
           "wait_for_variables", "stop_waiting"]

_CONTAINERS = (list, tuple, dict)
# Attributes of a Layer that are bookkeeping, not children: add_weight's own
# record (walked by name instead) and the restorations waiting on the layer.
_LAYER_BOOKKEEPING = frozenset(["_own_weights", "_own_weight_names", "_checkpoint_waiting",
                                # the losses a layer holds, and its calls in functional graphs
                                "_callable_losses", "_call_losses", "_inbound_nodes",
                                "_symbolic_shape", "_ends"])

ObjectGraph = collections.namedtuple("ObjectGraph", ["variables", "objects"])
ObjectGraph.__doc__ = """What ``object_graph`` finds: ``variables`` ({path: Variable}, in walk
order) and ``objects`` ({path: class name} of every other object passed on the way)."""


def is_trackable(value):
    """Whether a checkpoint walks into ``value``: a Variable, a Module (layers are
    modules), a list, tuple or dict, or an object that names its children with
    ``_checkpoint_children``.

    >>> import stage4_training as tf
    >>> from stage4_training.trackable import is_trackable
    >>> is_trackable(tf.Variable(1.0)), is_trackable([]), is_trackable(tf.constant(1.0)), is_trackable(3)
    (True, True, False, False)
    """
    return (type(value) in _CONTAINERS or isinstance(value, (Variable, Module))
            or hasattr(type(value), "_checkpoint_children"))


def children(obj):
    """The named children of ``obj``: a list of ``(name, child)``.

    Only trackable children count, except that ``_checkpoint_children`` is taken as
    it is (a ``Checkpoint`` holds whatever objects you give it).

    >>> import stage4_training as tf
    >>> from stage4_training.trackable import children
    >>> layer = tf.keras.layers.Dense(1)
    >>> layer.build((None, 2))
    >>> [name for name, child in children(layer)]   # add_weight's names, then the attributes
    ['kernel', 'bias', 'kernel', 'bias']
    """
    if hasattr(type(obj), "_checkpoint_children"):     # the object says (and is trusted)
        return list(obj._checkpoint_children().items())
    if isinstance(obj, Variable):
        named = []
    elif type(obj) is dict:
        named = [(str(key), value) for key, value in obj.items()]
    elif type(obj) in (list, tuple):
        named = [(str(index), value) for index, value in enumerate(obj)]
    elif isinstance(obj, Layer):
        own = vars(obj)
        named = list(zip(own.get("_own_weight_names", ()), own.get("_own_weights", ())))
        named += [(name, value) for name, value in own.items() if name not in _LAYER_BOOKKEEPING]
    elif isinstance(obj, Module):       # a tf.Module: every attribute but its bookkeeping
        named = [(name, value) for name, value in vars(obj).items()
                 if name not in type(obj)._TF_MODULE_IGNORED_PROPERTIES and name != "_name"]
    else:
        named = [(name, value) for name, value in vars(obj).items() if not name.startswith("_")]
    return [(name, child) for name, child in named if is_trackable(child)]


def object_graph(root):
    """Every variable reachable from ``root``, keyed by its path, breadth first.

    A variable reached twice keeps its first (shortest) path; slot variables come
    last, named after the variable they belong to.

    >>> import stage4_training as tf
    >>> from stage4_training.trackable import object_graph
    >>> w = tf.Variable(1.0)
    >>> graph = object_graph({"a": {"w": w}, "b": [w, tf.Variable(2.0)]})
    >>> list(graph.variables), graph.objects
    (['a/w', 'b/1'], {'': 'dict', 'a': 'dict', 'b': 'list'})
    """
    variables, objects, optimizers = {}, {}, []
    seen = {id(root)}
    queue = collections.deque([("", root)])
    while queue:
        path, obj = queue.popleft()
        if isinstance(obj, Variable):
            variables[path] = obj
            continue
        objects[path] = type(obj).__name__
        if hasattr(type(obj), "_slot_variables"):
            optimizers.append((path, obj))
        for name, child in children(obj):
            if id(child) not in seen:
                seen.add(id(child))
                queue.append((path + "/" + name if path else name, child))
    path_of = {id(variable): path for path, variable in variables.items()}
    for optimizer_path, optimizer in optimizers:
        for variable, slot_name, slot in optimizer._slot_variables():
            if id(variable) in path_of and id(slot) not in seen:
                seen.add(id(slot))
                key = "%s/.OPTIMIZER_SLOT/%s/%s" % (path_of[id(variable)], optimizer_path, slot_name)
                variables[key] = slot
    return ObjectGraph(variables, objects)


# --- values waiting for variables not created yet -------------------------------
# A restore whose values did not all find a variable waits here (weakly: it
# lives as long as its checkpoint, its status or the objects it restores into
# hold it) and is asked to look again each time a variable is born.
_waiting = weakref.WeakSet()


def wait_for_variables(restoration):
    """Asks ``restoration.fill_new_variables()`` to run each time a variable is born
    (``Layer.add_weight``, an optimizer's slot), until ``stop_waiting``.

    >>> from stage4_training import trackable
    >>> class Restoration:
    ...     def fill_new_variables(self):
    ...         print("a variable was born")
    >>> restoration = Restoration()
    >>> trackable.wait_for_variables(restoration)
    >>> trackable.slot_created(None, None, "m", None)
    a variable was born
    >>> trackable.stop_waiting(restoration)
    >>> trackable.slot_created(None, None, "m", None)
    """
    _waiting.add(restoration)


def stop_waiting(restoration):
    """Stops telling ``restoration`` about new variables (see ``wait_for_variables``)."""
    _waiting.discard(restoration)


def _variable_born(*_):
    for restoration in list(_waiting):
        restoration.fill_new_variables()


_slot_listeners = [_variable_born]
base_layer.weight_created_listeners.append(_variable_born)


def slot_created(optimizer, variable, slot_name, slot_variable):
    """Tells every listener that ``optimizer`` made ``slot_variable`` for ``variable``.

    The optimizer calls this right after it creates (and records) each slot
    variable, so values restored before the slot existed can land in it.

    >>> from stage4_training import trackable
    >>> heard = []
    >>> trackable._slot_listeners.append(lambda *args: heard.append(args[2]))
    >>> trackable.slot_created(None, None, "m", None)
    >>> heard
    ['m']
    >>> del trackable._slot_listeners[-1]
    """
    for listener in list(_slot_listeners):
        listener(optimizer, variable, slot_name, slot_variable)
