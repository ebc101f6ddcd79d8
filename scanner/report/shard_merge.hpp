// trustscan — `merge`: the shard reports of one scan (scan --shard K/N) back into the report the
// unsharded scan writes (docs/sharding.md). Unlike `assess`, which keeps each vantage's verdicts,
// merge drops the shards' verdicts and joins their facts: the caller judges the merged devices
// again with the same checks, so verdicts over a device's whole port set (svc.inventory, the
// unidentified ports, coverage) come out as one scan's.
#pragma once

#include "trustscan/report.hpp"

#include <string>
#include <vector>

namespace trustscan {

/// Checks that `shards` (read from `paths`, same order) are every shard of one scan, each once:
/// the same scan identity (seed, targets, ports, shard count), vantage, profile, crypto policy
/// and declaration. Throws InputError with one line naming the file(s) otherwise.
void check_shards(const std::vector<Report>& shards, const std::vector<std::string>& paths);

/// Joins the facts of the shards device by device: every port (disjoint by construction), every
/// observation once; probe.discovery and probe.liveness, which each shard makes per device, once
/// as the unsharded scan would have made them. No results, outcomes or scores: the caller
/// evaluates the profile's checks on the merged facts. Run metadata: the earliest start, the
/// latest end, complete only when every shard was; `inputs` are `paths`; no shard info.
Report merge_shard_facts(const std::vector<Report>& shards, const std::vector<std::string>& paths);

}  // namespace trustscan
