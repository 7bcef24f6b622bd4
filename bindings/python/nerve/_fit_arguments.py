"""Network.fit's arguments that only make sense together: one given without the other raises.

An option the training would silently ignore (momentum under Adam, a patience without a schedule) hides a
mistake, so fit refuses it before training. Values of the wrong type are left to the conversions that follow,
which raise TypeError naming them.
"""

from __future__ import annotations

from typing import Any, List, Mapping, Optional

import numpy as np

__all__: List[str] = []  # used by Network.fit only


def _is_set(value: Any) -> bool:
    """Whether a numeric option is given and not 0 (its "off"); other types are checked where converted."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        return False
    return bool(value != 0)


def check_applicable(
    *,
    optimizer: Any,
    momentum: Any,
    adam_options: Mapping[str, Optional[Any]],
    validation_data: Any,
    early_stopping: Any,
    lr_decay: Any,
    lr_patience: Optional[Any],
    lr_min: Any,
    shuffle: Any,
    progress: Any,
    learning_rate: Any = None,
    nesterov: Any = False,
    rprop_options: Optional[Mapping[str, Optional[Any]]] = None,
    early_stopping_metric: Any = "cost",
    min_improvement: Any = 0.0,
    target_cost: Any = None,
    monitor: Any = "running",
    sample_weight: Any = None,
    comm: Any = None,
    resume_optimizer: Any = False,
) -> None:
    """Raises TypeError for flags that are not flags, ValueError for options that do not apply."""
    for name, flag in (("shuffle", shuffle), ("nesterov", nesterov), ("resume_optimizer", resume_optimizer)):
        if not isinstance(flag, (bool, np.bool_)):
            raise TypeError(f"{name} must be True or False, got {flag!r}")
    if nesterov and optimizer != "sgd":
        raise ValueError("nesterov applies to optimizer='sgd' only; leave it out or choose optimizer='sgd'")
    if nesterov and not _is_set(momentum):
        raise ValueError("nesterov=True is a form of momentum: give momentum > 0 too")
    if optimizer == "rprop":
        for name, value in (("momentum", momentum), ("lr_decay", lr_decay)):
            if _is_set(value):
                raise ValueError(f"{name} does not apply to optimizer='rprop', whose step sizes adapt themselves")
        if learning_rate is not None:
            raise ValueError(
                "learning_rate does not apply to optimizer='rprop' (its steps start at rprop_delta_zero and "
                "adapt themselves); leave it out"
            )
    else:
        given = [name for name, value in (rprop_options or {}).items() if value is not None]
        if given:
            raise ValueError(
                f"{', '.join(given)} {'applies' if len(given) == 1 else 'apply'} to optimizer='rprop' only; "
                "leave it out or choose optimizer='rprop'"
            )
    watching = _is_set(early_stopping) or _is_set(lr_decay)
    if not watching:
        if isinstance(early_stopping_metric, str) and early_stopping_metric != "cost":
            raise ValueError(
                f"early_stopping_metric={early_stopping_metric!r} applies only with early_stopping or lr_decay"
            )
        if _is_set(min_improvement):
            raise ValueError("min_improvement applies only with early_stopping or lr_decay")
    if target_cost is not None and monitor == "none":
        raise ValueError("target_cost needs the training cost: use monitor='running' or 'full', not 'none'")
    if sample_weight is not None and comm is not None:
        raise ValueError(
            "sample_weight is not supported with comm: each rank would weigh its own batches only; weigh the "
            "shards by repeating samples instead"
        )
    if progress is not None and not isinstance(progress, (bool, np.bool_, str)):
        raise TypeError(f"progress must be True, False, 'tqdm', 'plain' or 'plot', got {progress!r}")
    if optimizer == "adam" and _is_set(momentum):
        raise ValueError(
            "momentum applies to optimizer='sgd' only (Adam has its own running averages, adam_beta1 and "
            "adam_beta2); leave momentum out or choose optimizer='sgd'"
        )
    if optimizer != "adam":
        given = [name for name, value in adam_options.items() if value is not None]
        if given:
            raise ValueError(
                f"{', '.join(given)} {'applies' if len(given) == 1 else 'apply'} to optimizer='adam' only; "
                "leave it out or choose optimizer='adam'"
            )
    if validation_data is None:
        for name, value in (("early_stopping", early_stopping), ("lr_decay", lr_decay)):
            if _is_set(value):
                raise ValueError(
                    f"{name}={value!r} needs validation_data: it watches the validation cost after each epoch"
                )
    if not _is_set(lr_decay):
        for name, value in (("lr_patience", lr_patience), ("lr_min", lr_min)):
            if value is not None and (name == "lr_patience" or _is_set(value)):
                raise ValueError(
                    f"{name} applies only with the learning-rate schedule; give lr_decay (a factor > 1) too, "
                    f"or leave {name} out"
                )
