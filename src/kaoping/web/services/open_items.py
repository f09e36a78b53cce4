"""What is still open in a period when someone wants to publish it (公示前的未完事项).

A month can be published with records nobody has checked, records returned to a unit and
never resubmitted, or units that reported nothing; publishing freezes all of that. The
publication guard (``actions.scoring.do_publish``) shows these counts and publishes only
after the assessor has confirmed them, and the audit row keeps what was confirmed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ..models import Period, Record


@dataclass(frozen=True)
class OpenItems:
    #: submitted and not yet checked (已提交未核查)
    unchecked: int
    #: returned to the unit and not resubmitted (已退回未重报)
    returned: int
    #: assessed units with no submitted or checked record in the period (无数据的单位)
    silent_units: tuple[str, ...]

    @property
    def counts(self) -> tuple[int, int, int]:
        """What the assessor confirms: the three numbers shown on the publish form."""
        return (self.unchecked, self.returned, len(self.silent_units))

    @property
    def any(self) -> bool:
        return bool(self.unchecked or self.returned or self.silent_units)

    def as_dict(self) -> dict:
        d = asdict(self)
        d["silent_units"] = list(self.silent_units)
        return d

    def summary(self) -> str:
        """One line in words: "2 条记录未核查、1 条退回未重报、1 个单位无数据（二支部）"."""
        parts = []
        if self.unchecked:
            parts.append(f"{self.unchecked} 条记录未核查")
        if self.returned:
            parts.append(f"{self.returned} 条记录退回后未重新提交")
        if self.silent_units:
            names = "、".join(self.silent_units[:5]) + ("等" if len(self.silent_units) > 5 else "")
            parts.append(f"{len(self.silent_units)} 个单位没有数据（{names}）")
        return "、".join(parts)


def open_items(period: Period) -> OpenItems:
    """The open items of ``period``'s own records (earlier periods were published before)."""
    S = Record.Status
    records = Record.objects.filter(period=period)
    unchecked = records.filter(status=S.SUBMITTED).count()
    returned = records.filter(status=S.RETURNED).count()
    reported = records.filter(status__in=(S.SUBMITTED, S.ACCEPTED)).values("unit_id")
    silent = (period.assessment.units.exclude(organisation_id__in=reported)
              .order_by("organisation__path").values_list("organisation__name", flat=True))
    return OpenItems(unchecked=unchecked, returned=returned, silent_units=tuple(silent))
