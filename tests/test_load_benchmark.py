"""benchmarks.load's bookkeeping (issue 26): every run measures the vendors list first and reads each row against it."""

from benchmarks.load import REFERENCE, Measurement, compare_to_reference, selected_endpoints


def _row(key: str, rps: float, p95: float | None) -> Measurement:
    return Measurement(key=key, endpoint=key, requests=100, failures=0, rps=rps, p50_ms=None, p95_ms=p95, p99_ms=None,
                       avg_ms=None, max_ms=None, bytes=0, single_ms=0.0, cpu_ms_per_request=None, wall_s=10.0,
                       locust_cores=0.1, server_cores=None, database_cores=None, others_cores=0.0,
                       locust_cpu_warning=False)


def test_the_vendors_list_is_measured_first_whatever_only_asks():
    assert [e.key for e in selected_endpoints("page-needs,api-needs")] == [REFERENCE, "api-needs", "page-needs"]
    everything = selected_endpoints("")
    assert everything[0].key == REFERENCE and len({e.key for e in everything}) == len(everything)


def test_each_row_reads_as_a_ratio_to_the_vendors_list_of_the_same_run():
    rows = [_row(REFERENCE, 400.0, 100.0), _row("api-needs", 300.0, 250.0), _row("page-needs", 200.0, None)]
    compare_to_reference(rows)
    assert [(r.rps_vs_vendors, r.p95_vs_vendors) for r in rows] == [(1.0, 1.0), (0.75, 2.5), (0.5, None)]
