// trustscan — target specs, port specs and scope.
#include "scanner/engine/targets.hpp"
#include "trustscan/text.hpp"

#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <bitset>
#include <charconv>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

namespace trustscan {

namespace {

// Input files are small lists written by people; a cap keeps a wrong path (a disk image, a
// capture) from being read whole into memory.
constexpr std::size_t kMaxListFile = 16u << 20;

std::vector<std::string> read_list_file(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(std::string("cannot read ") + what + " '" + path + "': " + std::strerror(errno));
  std::vector<std::string> lines;
  std::string line;
  std::size_t total = 0;
  while (std::getline(in, line)) {
    total += line.size() + 1;
    if (total > kMaxListFile)
      throw InputError(std::string(what) + " '" + path + "' is larger than 16 MiB");
    lines.push_back(line);
  }
  if (in.bad()) throw InputError(std::string("cannot read ") + what + " '" + path + "'");
  return lines;
}

// A line of a list file with its comment and surrounding blanks removed.
std::string_view list_entry(std::string_view line) noexcept {
  const auto hash = line.find('#');
  return trim_space(line.substr(0, hash));
}

bool only_chars(std::string_view s, std::string_view allowed) noexcept {
  return s.find_first_not_of(allowed) == std::string_view::npos;
}

bool valid_hostname(std::string_view s) noexcept {
  if (s.empty() || s.size() > 253) return false;
  if (s.back() == '.') s.remove_suffix(1);  // a fully qualified name may end in a dot
  std::size_t start = 0;
  while (start <= s.size()) {
    auto end = s.find('.', start);
    if (end == std::string_view::npos) end = s.size();
    const auto label = s.substr(start, end - start);
    if (label.empty() || label.size() > 63) return false;
    if (label.front() == '-' || label.back() == '-') return false;
    for (char c : label)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
    start = end + 1;
  }
  return true;
}

[[noreturn]] void bad_target(std::string_view token, std::string_view why) {
  throw InputError("invalid target '" + std::string(token) + "': " + std::string(why));
}

}  // namespace

std::uint64_t TargetSpec::size() const noexcept {
  if (!first.v6) return std::uint64_t{last.v4_value()} - first.v4_value() + 1;
  // IPv6: the difference fits in 64 bits only when the upper 8 bytes agree.
  if (!std::equal(first.bytes.begin(), first.bytes.begin() + 8, last.bytes.begin()))
    return UINT64_MAX;
  std::uint64_t a = 0, b = 0;
  for (std::size_t i = 8; i < 16; ++i) {
    a = (a << 8) | first.bytes[i];
    b = (b << 8) | last.bytes[i];
  }
  const std::uint64_t d = b - a;
  return d == UINT64_MAX ? d : d + 1;
}

TargetSpec parse_target_spec(std::string_view token) {
  TargetSpec spec;
  spec.text = std::string(token);
  if (token.empty()) throw InputError("invalid target '': empty");

  if (const auto slash = token.find('/'); slash != std::string_view::npos) {
    const auto base = Address::parse(token.substr(0, slash));
    if (!base) bad_target(token, "not a valid address before '/'");
    const auto cidr = Cidr::parse(token);
    if (!cidr)
      bad_target(token, base->v6 ? "prefix length must be 0-128" : "prefix length must be 0-32");
    spec.kind = TargetSpec::Kind::cidr;
    spec.first = cidr->base;
    spec.last = cidr->base;
    for (int bit = cidr->prefix; bit < cidr->base.bits(); ++bit)
      spec.last.bytes[static_cast<std::size_t>(bit / 8)] |= static_cast<std::uint8_t>(0x80u >> (bit % 8));
    return spec;
  }

  if (const auto a = Address::parse(token)) {
    spec.kind = TargetSpec::Kind::address;
    spec.first = spec.last = *a;
    return spec;
  }

  if (const auto dash = token.find('-'); dash != std::string_view::npos) {
    if (const auto first = Address::parse(token.substr(0, dash))) {
      const auto rest = token.substr(dash + 1);
      Address last;
      if (const auto full = Address::parse(rest)) {
        if (full->v6 != first->v6) bad_target(token, "range mixes IPv4 and IPv6");
        last = *full;
      } else if (!first->v6 && !rest.empty() && rest.size() <= 3 && only_chars(rest, "0123456789")) {
        int octet = 0;
        std::from_chars(rest.data(), rest.data() + rest.size(), octet);
        if (octet > 255) bad_target(token, "range end must be 0-255");
        last = *first;
        last.bytes[3] = static_cast<std::uint8_t>(octet);
      } else {
        bad_target(token, "range end is not an address or a last octet");
      }
      if (last < *first) bad_target(token, "range ends before it starts");
      spec.kind = TargetSpec::Kind::range;
      spec.first = *first;
      spec.last = last;
      return spec;
    }
  }

  // Not an address, block or range. Digits, dots and dashes alone are a mistyped address or
  // range ("300.1.1.1", "1-2-3"), never a name we should hand to DNS.
  if (only_chars(token, "0123456789.-")) {
    if (token.find('-') == std::string_view::npos) bad_target(token, "not a valid IPv4 address");
    bad_target(token, "not a valid address range");
  }
  if (token.starts_with("ipv6-link:")) {
    const auto iface = token.substr(10);
    // An interface name as the kernel allows it (IFNAMSIZ - 1 bytes, no '/', no blanks).
    if (iface.empty() || iface.size() > 15 || !only_chars(iface, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-@"))
      bad_target(token, "not an interface name after ipv6-link:");
    spec.kind = TargetSpec::Kind::ipv6_link;
    spec.name = std::string(iface);
    return spec;
  }
  if (token.find(':') != std::string_view::npos) bad_target(token, "not a valid IPv6 address");
  if (!valid_hostname(token)) bad_target(token, "not an address, CIDR block, range or hostname");
  spec.kind = TargetSpec::Kind::hostname;
  spec.name = std::string(token);
  return spec;
}

std::vector<TargetSpec> read_target_file(const std::string& path) {
  std::vector<TargetSpec> out;
  const auto lines = read_list_file(path, "target file");
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto entry = list_entry(lines[i]);
    if (entry.empty()) continue;
    if (entry.find_first_of(" \t") != std::string_view::npos)
      throw InputError(path + ":" + std::to_string(i + 1) + ": one target per line");
    try {
      out.push_back(parse_target_spec(entry));
    } catch (const InputError& e) {
      throw InputError(path + ":" + std::to_string(i + 1) + ": " + e.what());
    }
  }
  if (out.empty()) throw InputError("target file '" + path + "' lists no targets");
  return out;
}

std::vector<TargetSpec> parse_targets(const std::vector<std::string>& args) {
  std::vector<TargetSpec> out;
  for (const auto& arg : args) {
    if (!arg.empty() && arg.front() == '@') {
      if (arg.size() == 1) throw InputError("'@' needs a file name (@targets.txt)");
      auto more = read_target_file(arg.substr(1));
      out.insert(out.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
    } else {
      out.push_back(parse_target_spec(arg));
    }
  }
  if (out.empty()) throw InputError("no targets given");
  return out;
}

PortList parse_port_spec(std::string_view spec) {
  const std::string whole(spec);
  auto bad = [&](std::string_view why) -> InputError {
    return InputError("invalid port spec '" + whole + "': " + std::string(why));
  };
  auto number = [&](std::string_view s) -> std::uint32_t {
    if (s.empty() || s.size() > 6 || !only_chars(s, "0123456789"))
      throw bad("'" + std::string(s) + "' is not a port number");
    std::uint32_t v = 0;
    std::from_chars(s.data(), s.data() + s.size(), v);
    if (v == 0 || v > 65535) throw bad("port " + std::string(s) + " is out of range (1-65535)");
    return v;
  };

  // A heap bitset per transport: 8 KiB each, duplicates and overlaps fold away.
  auto tcp = std::make_unique<std::bitset<65536>>();
  auto udp = std::make_unique<std::bitset<65536>>();
  auto* current = tcp.get();
  if (trim_space(spec).empty()) throw bad("empty");

  std::size_t start = 0;
  while (start <= spec.size()) {
    auto end = spec.find(',', start);
    if (end == std::string_view::npos) end = spec.size();
    auto item = trim_space(spec.substr(start, end - start));
    start = end + 1;
    if (item.size() >= 2 && item[1] == ':') {
      const char proto = static_cast<char>(std::toupper(static_cast<unsigned char>(item[0])));
      if (proto == 'T') current = tcp.get();
      else if (proto == 'U') current = udp.get();
      else throw bad("unknown protocol prefix '" + std::string(item.substr(0, 2)) + "' (use T: or U:)");
      item = item.substr(2);
    }
    if (item.empty()) throw bad("empty element");
    std::uint32_t lo = 0, hi = 0;
    if (const auto dash = item.find('-'); dash != std::string_view::npos) {
      const auto left = item.substr(0, dash), right = item.substr(dash + 1);
      lo = left.empty() ? 1 : number(left);
      hi = right.empty() ? 65535 : number(right);
      if (hi < lo) throw bad("range " + std::string(item) + " ends before it starts");
    } else {
      lo = hi = number(item);
    }
    for (std::uint32_t p = lo; p <= hi; ++p) current->set(p);
  }

  PortList out;
  for (std::uint32_t p = 1; p < 65536; ++p) {
    if (tcp->test(p)) out.tcp.push_back(static_cast<std::uint16_t>(p));
    if (udp->test(p)) out.udp.push_back(static_cast<std::uint16_t>(p));
  }
  return out;
}

PortList ports_to_scan(std::string_view spec, const PortList& profile) {
  if (spec.empty()) return profile;
  PortList out = parse_port_spec(spec);
  // "T:-" says TCP only, as nmap reads it: only a spec without a protocol prefix widens.
  const bool says_tcp = spec.find("T:") != std::string_view::npos || spec.find("t:") != std::string_view::npos;
  if (out.udp.empty() && out.tcp.size() == 65535 && !says_tcp) out.udp = profile.udp;
  return out;
}

Scope Scope::defaults() {
  Scope s;
  for (const char* c : {"127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
                        "169.254.0.0/16", "198.18.0.0/15", "100.64.0.0/10", "::1/128",
                        "fc00::/7", "fe80::/10"})
    s.ranges_.push_back(*Cidr::parse(c));
  s.default_ = true;
  return s;
}

namespace {
Cidr parse_scope_entry(std::string_view entry) {
  const auto c = Cidr::parse(entry);
  if (!c) throw InputError("invalid scope '" + std::string(entry) + "': expected a CIDR block such as 198.18.0.0/15");
  return *c;
}
}  // namespace

Scope Scope::parse(std::string_view list) {
  Scope s;
  std::size_t start = 0;
  while (start <= list.size()) {
    auto end = list.find(',', start);
    if (end == std::string_view::npos) end = list.size();
    const auto item = trim_space(list.substr(start, end - start));
    start = end + 1;
    if (item.empty()) throw InputError("invalid scope '" + std::string(list) + "': empty element");
    s.ranges_.push_back(parse_scope_entry(item));
  }
  return s;
}

Scope Scope::from_file(const std::string& path) {
  Scope s;
  const auto lines = read_list_file(path, "scope file");
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto entry = list_entry(lines[i]);
    if (entry.empty()) continue;
    try {
      s.ranges_.push_back(parse_scope_entry(entry));
    } catch (const InputError& e) {
      throw InputError(path + ":" + std::to_string(i + 1) + ": " + e.what());
    }
  }
  if (s.ranges_.empty()) throw InputError("scope file '" + path + "' lists no ranges");
  return s;
}

bool Scope::contains(const Address& a) const noexcept {
  return std::any_of(ranges_.begin(), ranges_.end(), [&](const Cidr& c) { return c.contains(a); });
}

std::string Scope::describe() const {
  if (default_) return "the default non-routable ranges";
  std::string out;
  for (const auto& c : ranges_) out += (out.empty() ? "" : ",") + c.to_string();
  return out;
}

std::vector<Address> system_resolve(const std::string& name) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (const int rc = ::getaddrinfo(name.c_str(), nullptr, &hints, &res); rc != 0)
    throw InputError("cannot resolve target '" + name + "': " + ::gai_strerror(rc));
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> guard(res, &::freeaddrinfo);
  std::vector<Address> out;
  for (const addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    Address a;
    if (ai->ai_family == AF_INET) {
      std::memcpy(a.bytes.data(), &reinterpret_cast<const sockaddr_in*>(ai->ai_addr)->sin_addr, 4);
    } else if (ai->ai_family == AF_INET6) {
      std::memcpy(a.bytes.data(), &reinterpret_cast<const sockaddr_in6*>(ai->ai_addr)->sin6_addr, 16);
      a.v6 = true;
      // Normalise ::ffff:a.b.c.d as Address::parse does.
      if (const auto n = Address::parse(a.to_string())) a = *n;
    } else {
      continue;
    }
    if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
  }
  if (out.empty()) throw InputError("cannot resolve target '" + name + "': no IPv4 or IPv6 address");
  return out;
}

std::vector<Target> expand_targets(const std::vector<TargetSpec>& specs, const Scope& scope,
                                   const Resolver& resolve, std::size_t max_targets, const Resolver& link) {
  std::vector<Target> out;
  auto refuse = [&](const Address& a, const TargetSpec& spec) -> InputError {
    const std::string allow = spec.kind == TargetSpec::Kind::cidr || spec.kind == TargetSpec::Kind::range
                                  ? spec.text
                                  : a.to_string() + (a.v6 ? "/128" : "/32");
    std::string from = spec.text == a.to_string() ? "" : " (from '" + spec.text + "')";
    return InputError("target " + a.to_string() + from + " is outside the scan scope (" +
                      scope.describe() + "); nothing was sent. To allow it, pass --scope " + allow);
  };
  for (const auto& spec : specs) {
    if (spec.kind == TargetSpec::Kind::ipv6_link) {
      if (!link) throw InputError("target '" + spec.text + "' needs a live scan (the devices are found by a multicast echo)");
      for (const auto& a : link(spec.name)) {
        if (!scope.contains(a)) throw refuse(a, spec);
        out.push_back(Target{a, {}});
      }
    } else if (spec.kind == TargetSpec::Kind::hostname) {
      for (const auto& a : resolve(spec.name)) {
        if (!scope.contains(a)) throw refuse(a, spec);
        out.push_back(Target{a, spec.name});
      }
    } else {
      const auto n = spec.size();
      if (n > max_targets || out.size() + n > max_targets)
        throw InputError("target '" + spec.text + "' expands to more than " +
                         std::to_string(max_targets) + " addresses; split the scan with --shard or a smaller block");
      for (std::uint64_t i = 0; i < n; ++i) {
        const Address a = address_add(spec.first, i);
        if (!scope.contains(a)) throw refuse(a, spec);
        out.push_back(Target{a, {}});
      }
    }
    if (out.size() > max_targets)
      throw InputError("targets expand to more than " + std::to_string(max_targets) + " addresses");
  }
  // Unique by address; a name given anywhere is kept.
  std::stable_sort(out.begin(), out.end());
  std::vector<Target> unique;
  for (auto& t : out) {
    if (!unique.empty() && unique.back().address == t.address) {
      if (unique.back().name.empty()) unique.back().name = std::move(t.name);
    } else {
      unique.push_back(std::move(t));
    }
  }
  return unique;
}

}  // namespace trustscan
