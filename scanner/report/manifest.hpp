// trustscan — the run manifest (RunManifest in trustscan/report.hpp; docs/architecture.md "Run
// manifest"): the command, the build and its source commit, the library versions, the scanning
// host and its source addresses, and the size and SHA-256 of every data file and input file a
// run used.
//
// No Asio: the source address is asked of the kernel with a connected UDP socket, which sends
// nothing (connect(2) on a datagram socket only picks the route).
#pragma once

#include "trustscan/address.hpp"
#include "trustscan/report.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace trustscan {

struct CryptoPolicy;

/// Adds the file at `path` with its size and SHA-256, read in 64 KiB blocks. A file that cannot
/// be read any more is recorded with sha256 "unreadable: <reason>" (it was read earlier in the
/// run); one that is not a regular file (a FIFO) with "not hashed: not a regular file".
void manifest_add_file(RunManifest& m, const std::string& role, const std::string& path);
/// Adds text the run used that is not a file of its own (an embedded data file).
void manifest_add_text(RunManifest& m, const std::string& role, const std::string& name, std::string_view text);
/// The profile the run judged against: the embedded file of a built-in id, or the YAML file.
void manifest_add_profile(RunManifest& m, const std::string& id_or_path);
/// The crypto policy files the run judged against (role "crypto-policy"): embedded text or file.
void manifest_add_crypto_policy(RunManifest& m, const CryptoPolicy& policy);
/// The build (compiler and flavour), its source commit and the library versions found at run
/// time: what `trustscan version --verbose` prints.
void manifest_add_build(RunManifest& m);
/// The command line, manifest_add_build, the host name and every data file embedded in the
/// binary (profiles, data tables, credential lists, checks as data, remediation).
void manifest_add_run(RunManifest& m, const std::vector<std::string>& command);
/// The git commit the binary was built from: its hex id, with "-dirty" when tracked files
/// differed from it at the last build, or "unknown" (no git, or a source tree that is not a
/// checkout of its own: a tarball). Generated at every build by scanner/config/source_commit.cmake.
std::string_view source_commit() noexcept;
/// The local address the kernel would send from to reach `target`, or nullopt (no route).
std::optional<Address> source_address_for(const Address& target);

}  // namespace trustscan
