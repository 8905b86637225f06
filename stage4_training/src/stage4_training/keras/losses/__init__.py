"""``keras.losses``: what training minimises, as functions and as configured objects.

A loss is two ideas, one module each:

* ``functions.py``: the *per-sample* loss (``mean_squared_error``,
  ``sparse_categorical_crossentropy`` ...): one value per example;
* ``reduction.py``: the *reduction*: weigh those values by ``sample_weight``
  and combine them (``"sum_over_batch_size"``, ``"sum"``, ``"none"``);

and ``classes.py`` ties them together: ``SparseCategoricalCrossentropy()(y_true, y_pred)``.
``more.py`` has the other Keras losses (hinges, divergences, percentage and
logarithmic errors), functions and classes alike.

>>> import stage4_training as tf
>>> loss_fn = tf.keras.losses.get("sparse_categorical_crossentropy")
>>> loss_fn([1], [[0.5, 0.5]])
tf.Tensor([0.6931472], shape=(1,), dtype=float32)
>>> tf.keras.losses.get("SparseCategoricalCrossentropy")([1], [[0.5, 0.5]])
tf.Tensor(0.6931472, shape=(), dtype=float32)
"""

import difflib

from .classes import (BinaryCrossentropy, CategoricalCrossentropy, Huber, Loss,
                      LossFunctionWrapper, MeanAbsoluteError, MeanSquaredError,
                      SparseCategoricalCrossentropy)
from .functions import (MAE, MSE, binary_crossentropy, categorical_crossentropy, huber, mae,
                        mean_absolute_error, mean_squared_error, mse,
                        sparse_categorical_crossentropy)
from .more import (KLD, MAPE, MSLE, CategoricalHinge, CosineSimilarity, Hinge, KLDivergence,
                   LogCosh, MeanAbsolutePercentageError, MeanSquaredLogarithmicError, Poisson,
                   SquaredHinge, categorical_hinge, cosine_similarity, hinge, kl_divergence, kld,
                   kullback_leibler_divergence, log_cosh, logcosh, mape,
                   mean_absolute_percentage_error, mean_squared_logarithmic_error, msle,
                   poisson, squared_hinge)
from .reduction import Reduction, compute_weighted_loss

__all__ = ["Loss", "LossFunctionWrapper", "Reduction", "MeanSquaredError", "MeanAbsoluteError",
           "Huber", "BinaryCrossentropy", "CategoricalCrossentropy",
           "SparseCategoricalCrossentropy", "mean_squared_error", "mse", "MSE",
           "mean_absolute_error", "mae", "MAE", "huber", "binary_crossentropy",
           "categorical_crossentropy", "sparse_categorical_crossentropy",
           "compute_weighted_loss", "get", "serialize", "deserialize",
           "MeanAbsolutePercentageError", "MeanSquaredLogarithmicError", "Hinge", "SquaredHinge",
           "CategoricalHinge", "KLDivergence", "Poisson", "LogCosh", "CosineSimilarity",
           "mean_absolute_percentage_error", "mape", "MAPE", "mean_squared_logarithmic_error",
           "msle", "MSLE", "hinge", "squared_hinge", "categorical_hinge", "kl_divergence", "kld",
           "KLD", "kullback_leibler_divergence", "poisson", "log_cosh", "logcosh",
           "cosine_similarity"]

_FUNCTIONS = {fn.__name__: fn for fn in (
    mean_squared_error, mean_absolute_error, huber, binary_crossentropy,
    categorical_crossentropy, sparse_categorical_crossentropy, mean_absolute_percentage_error,
    mean_squared_logarithmic_error, hinge, squared_hinge, categorical_hinge, kl_divergence,
    poisson, log_cosh, cosine_similarity)}
_FUNCTIONS.update(mse=mse, MSE=MSE, mae=mae, MAE=MAE, mape=mape, MAPE=MAPE, msle=msle, MSLE=MSLE,
                  kld=kld, KLD=KLD, kullback_leibler_divergence=kullback_leibler_divergence,
                  logcosh=logcosh)
_CLASSES = {cls.__name__: cls for cls in (
    MeanSquaredError, MeanAbsoluteError, Huber, BinaryCrossentropy, CategoricalCrossentropy,
    SparseCategoricalCrossentropy, MeanAbsolutePercentageError, MeanSquaredLogarithmicError,
    Hinge, SquaredHinge, CategoricalHinge, KLDivergence, Poisson, LogCosh, CosineSimilarity)}


def get(identifier):
    """The loss for ``identifier``: a function name (``"mse"``, ``"sparse_categorical_crossentropy"``)
    gives the function, a class name (``"Huber"``) a new object with default settings,
    a ``serialize()`` dict the object it describes; a callable is returned as is.

    >>> import stage4_training as tf
    >>> tf.keras.losses.get("mse") is tf.keras.losses.mean_squared_error
    True
    >>> tf.keras.losses.get("Huber").name
    'huber_loss'
    >>> tf.keras.losses.get("sparse_categorical_crossentrophy")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: keras.losses.get: unknown loss 'sparse_categorical_crossentrophy'. Did you mean 'sparse_categorical_crossentropy'? Valid names are the functions binary_crossentropy, ... and the classes BinaryCrossentropy, ...; or pass a Loss object or a function (y_true, y_pred) -> losses
    """
    if identifier is None or isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, str):
        if identifier in _FUNCTIONS:
            return _FUNCTIONS[identifier]
        if identifier in _CLASSES:
            return _CLASSES[identifier]()
        raise ValueError("keras.losses.get: unknown loss %r.%s %s"
                         % (identifier, _did_you_mean(identifier), _VALID))
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError("keras.losses.get: cannot interpret %r as a loss. %s"
                     % (identifier, _VALID))


def serialize(loss):
    """A loss as plain data: ``{"class_name", "config"}`` for objects, the name for functions.

    >>> import stage4_training as tf
    >>> tf.keras.losses.serialize(tf.keras.losses.MeanSquaredError())
    {'class_name': 'MeanSquaredError', 'config': {'reduction': 'auto', 'name': 'mean_squared_error'}}
    >>> tf.keras.losses.serialize(tf.keras.losses.mse)
    'mean_squared_error'
    """
    if isinstance(loss, Loss):
        return {"class_name": type(loss).__name__, "config": loss.get_config()}
    return getattr(loss, "__name__", loss)


def deserialize(config, custom_objects=None):
    """The loss ``serialize`` described (``custom_objects`` maps names of your own classes).

    >>> import stage4_training as tf
    >>> tf.keras.losses.deserialize({"class_name": "Huber", "config": {"delta": 2.0}}).get_config()
    {'reduction': 'auto', 'name': 'huber_loss', 'delta': 2.0}
    """
    known = dict(_CLASSES, **(custom_objects or {}))
    if isinstance(config, str):
        if config in known:
            return known[config]()
        return get(config)
    name = config.get("class_name")
    if name not in known:
        raise ValueError("keras.losses.deserialize: unknown loss class %r.%s %s"
                         % (name, _did_you_mean(name), _VALID))
    settings = config.get("config", {})
    if not isinstance(settings, dict):
        raise TypeError("keras.losses.deserialize: the 'config' of %s must be a dict of its "
                        "arguments, got %r" % (name, settings))
    return known[name].from_config(settings)


_VALID = ("Valid names are the functions %s and the classes %s; or pass a Loss object or "
          "a function (y_true, y_pred) -> losses"
          % (", ".join(sorted(_FUNCTIONS, key=str.lower)), ", ".join(sorted(_CLASSES))))


def _did_you_mean(name):
    close = difflib.get_close_matches(str(name), list(_FUNCTIONS) + list(_CLASSES), n=1)
    return " Did you mean %r?" % close[0] if close else ""
