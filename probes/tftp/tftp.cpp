// trustscan — TFTP request parser (see tftp.hpp).
#include "probes/tftp/tftp.hpp"

#include <algorithm>
#include <string_view>

namespace trustscan {

namespace {

// The NUL-terminated string at `pos`, advancing past its NUL; nullopt-like false when unterminated.
bool tftp_field(Bytes in, std::size_t& pos, std::string_view& field) {
  const auto* begin = in.data() + pos;
  const auto* end = in.data() + in.size();
  const auto* nul = std::find(begin, end, std::uint8_t{0});
  if (nul == end) return false;
  field = std::string_view(reinterpret_cast<const char*>(begin), static_cast<std::size_t>(nul - begin));
  pos += field.size() + 1;
  return true;
}

}  // namespace

Parse parse_tftp_request(Bytes in, TftpRequest& out) noexcept {
  out = TftpRequest{};
  if (in.size() < 4 || in.size() > kTftpMaxRequest || in[0] != 0 || (in[1] != 1 && in[1] != 2)) return Parse::invalid;
  out.write = in[1] == 2;
  std::size_t pos = 2;
  std::string_view name, mode;
  if (!tftp_field(in, pos, name) || !tftp_field(in, pos, mode)) return Parse::invalid;
  if (name.empty() || name.size() > 255 ||
      !std::all_of(name.begin(), name.end(), [](char c) { return c >= 0x20 && c < 0x7f; }))
    return Parse::invalid;
  std::string m(mode);
  std::transform(m.begin(), m.end(), m.begin(), [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; });
  if (m != "octet" && m != "netascii" && m != "mail") return Parse::invalid;
  while (pos < in.size()) {
    std::string_view option, value;
    if (out.options >= kTftpMaxOptions || !tftp_field(in, pos, option) || !tftp_field(in, pos, value) || option.empty())
      return Parse::invalid;
    ++out.options;
  }
  out.filename = std::string(name);
  out.mode = std::move(m);
  return Parse::done;
}

}  // namespace trustscan
