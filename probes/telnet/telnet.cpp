// trustscan — Telnet negotiation parser and prompt classifier (see telnet.hpp for the contract).
#include "probes/telnet/telnet.hpp"
#include "probes/telnet/telnet_keys.hpp"

#include <utility>

namespace trustscan {
namespace {

constexpr std::string_view kLineEnds{"\r\n", 2};

bool is_blank(std::string_view line) noexcept {
  for (const char c : line) {
    if (c != ' ' && c != '\t' && c != '\0') return false;
  }
  return true;
}

char lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

TelnetPrompt classify_line(std::string_view line) noexcept {
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\0')) {
    line.remove_suffix(1);
  }
  if (line.empty()) return TelnetPrompt::none;
  // Only the end of a line decides, so a fixed buffer of its last bytes is enough and keeps this
  // noexcept without allocating.
  constexpr std::size_t kWindow = 128;
  char buf[kWindow] = {};
  const std::string_view end = line.substr(line.size() > kWindow ? line.size() - kWindow : 0);
  for (std::size_t i = 0; i < end.size(); ++i) buf[i] = lower(end[i]);
  const std::string_view low(buf, end.size());

  if (low.ends_with(':')) {
    for (const std::string_view w : {"password", "passwd", "passcode"}) {
      if (low.find(w) != std::string_view::npos) return TelnetPrompt::password;
    }
    for (const std::string_view w :
         {"login:", "username:", "user name:", "user:", "login as:", "user id:"}) {
      if (low.ends_with(w)) return TelnetPrompt::login;
    }
  }
  const char last = low.back();
  if ((last == '#' || last == '$' || last == '>') && line.size() <= 128) return TelnetPrompt::shell;
  return TelnetPrompt::none;
}

// The text before the prompt, made fit for a one-line report field: control bytes and ANSI CSI
// sequences (colour, cursor moves: common on device menus) dropped, blank lines removed.
std::string clean_banner(std::string_view text) {
  std::string out;
  std::string line;
  const auto flush = [&] {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.pop_back();
    if (!line.empty() && !is_blank(line)) {
      if (!out.empty()) out += '\n';
      out += line;
    }
    line.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\r' || c == '\n') {
      flush();
    } else if (c == 0x1b && i + 1 < text.size() && text[i + 1] == '[') {
      i += 2;
      while (i < text.size() && !(text[i] >= 0x40 && text[i] <= 0x7e)) ++i;  // CSI final byte
    } else if (c >= 0x20 && c != 0x7f) {
      line += static_cast<char>(c);
    }
  }
  flush();
  return out;
}

}  // namespace

std::string_view to_string(TelnetPrompt p) noexcept {
  switch (p) {
    case TelnetPrompt::none: return "none";
    case TelnetPrompt::login: return "login";
    case TelnetPrompt::password: return "password";
    case TelnetPrompt::shell: return "shell";
  }
  return "none";
}

TelnetPrompt classify_telnet_prompt(std::string_view text) noexcept {
  std::string_view rest = text;
  while (!rest.empty()) {
    const auto nl = rest.find_last_of(kLineEnds);
    const std::string_view line = nl == std::string_view::npos ? rest : rest.substr(nl + 1);
    if (!is_blank(line)) return classify_line(line);
    if (nl == std::string_view::npos) break;
    rest = rest.substr(0, nl);
  }
  return TelnetPrompt::none;
}

std::string telnet_option_name(std::uint8_t option) {
  switch (option) {
    case 0: return "BINARY";
    case 1: return "ECHO";
    case 3: return "SGA";
    case 5: return "STATUS";
    case 6: return "TIMING-MARK";
    case 24: return "TTYPE";
    case 31: return "NAWS";
    case 32: return "TSPEED";
    case 33: return "LFLOW";
    case 34: return "LINEMODE";
    case 35: return "XDISPLOC";
    case 36: return "OLD-ENVIRON";
    case 37: return "AUTHENTICATION";
    case 38: return "ENCRYPT";
    case 39: return "NEW-ENVIRON";
    case 255: return "EXOPL";
    default: return std::to_string(option);
  }
}

Parse TelnetParser::feed(Bytes in) noexcept {
  if (invalid_) return Parse::invalid;
  try {
    for (const std::uint8_t c : in) {
      if (invalid_) break;
      if (result_.raw.size() < Evidence::kMaxExcerpt) result_.raw.push_back(c);
      switch (state_) {
        case State::data:
          if (c == kTelnetIac) state_ = State::iac;
          else on_data(c);
          break;
        case State::iac:
          state_ = State::data;
          if (c == kTelnetIac) {
            on_data(c);
          } else if (c >= kTelnetWill && c <= kTelnetDont) {
            command_ = c;
            state_ = State::option;
          } else if (c == kTelnetSb) {
            state_ = State::sb_option;
          }  // NOP, GA, DM, AYT…: nothing for a reader to do
          break;
        case State::option:
          on_negotiation(command_, c);
          state_ = State::data;
          break;
        case State::sb_option:
          record("SB " + telnet_option_name(c));
          subneg_bytes_ = 1;
          state_ = State::sb_data;
          break;
        case State::sb_data:
        case State::sb_iac:
          if (state_ == State::sb_iac && c == kTelnetSe) {
            state_ = State::data;
            break;
          }
          // IAC IAC inside SB is an escaped 0xff; a lone IAC before another byte is a peer
          // error that we skip rather than guess at.
          if (state_ == State::sb_data && c == kTelnetIac) {
            state_ = State::sb_iac;
            break;
          }
          state_ = State::sb_data;
          if (++subneg_bytes_ > kTelnetMaxSubneg) invalid_ = true;
          break;
      }
    }
  } catch (...) {  // std::bad_alloc: every buffer here is capped, so this is not expected
    invalid_ = true;
  }
  // Trim the tail to its exact cap so that it never depends on how the bytes were split.
  if (result_.tail.size() > kTelnetTail) result_.tail.erase(0, result_.tail.size() - kTelnetTail);
  // Classified even when invalid, so that the prompt reflects exactly the bytes before the
  // failure whatever the read boundaries were (the fuzzer found the difference).
  result_.prompt = classify_telnet_prompt(result_.tail);
  if (invalid_) return Parse::invalid;
  return result_.prompt == TelnetPrompt::none ? Parse::need_more : Parse::done;
}

std::vector<std::uint8_t> TelnetParser::take_replies() noexcept { return std::exchange(replies_, {}); }

void TelnetParser::on_data(std::uint8_t c) {
  if (c == 0) return;
  ++result_.text_bytes;
  if (result_.text.size() < kTelnetMaxText) result_.text.push_back(static_cast<char>(c));
  result_.tail.push_back(static_cast<char>(c));
  // Trimming in batches keeps this O(1) amortised; feed() trims to the exact cap at its end.
  if (result_.tail.size() >= 2 * kTelnetTail) result_.tail.erase(0, result_.tail.size() - kTelnetTail);
}

void TelnetParser::on_negotiation(std::uint8_t command, std::uint8_t option) {
  static constexpr std::string_view verbs[] = {"WILL", "WONT", "DO", "DONT"};
  record(std::string(verbs[command - kTelnetWill]) + " " + telnet_option_name(option));
  const auto bit = static_cast<std::uint8_t>(1u << (command - kTelnetWill));
  if (answered_[option] & bit) return;  // at most one answer per (command, option): no loops
  switch (command) {
    case kTelnetWill:
      if (option == kTelnetOptEcho || option == kTelnetOptSga) {
        if (him_[option]) return;  // already enabled: RFC 854 forbids acknowledging again
        him_[option] = true;
        reply(kTelnetDo, option);
      } else {
        reply(kTelnetDont, option);
      }
      break;
    case kTelnetDo:
      reply(kTelnetWont, option);
      break;
    case kTelnetWont:
      if (!him_[option]) return;  // already disabled: no answer
      him_[option] = false;
      reply(kTelnetDont, option);
      break;
    default:  // DONT: nothing on our side is ever enabled
      return;
  }
  answered_[option] = static_cast<std::uint8_t>(answered_[option] | bit);
}

void TelnetParser::record(std::string entry) {
  if (result_.options.size() >= kTelnetMaxOptions) return;
  for (const auto& e : result_.options) {
    if (e == entry) return;
  }
  result_.options.push_back(std::move(entry));
}

void TelnetParser::reply(std::uint8_t command, std::uint8_t option) {
  replies_.insert(replies_.end(), {kTelnetIac, command, option});
}

std::vector<Observation> telnet_observations(const TelnetResult& result, const Endpoint& endpoint) {
  std::vector<Observation> obs;
  const Evidence ev{"banner", "live", "Telnet server output and option negotiation",
                    printable_excerpt(result.raw, Evidence::kMaxExcerpt), {}, {}, {}, {}};
  std::string_view before = result.text;
  // The prompt line is only inside `text` when the whole stream fitted in it.
  if (result.prompt != TelnetPrompt::none && result.text_bytes == result.text.size()) {
    while (!before.empty()) {
      const auto nl = before.find_last_of(kLineEnds);
      const bool blank = is_blank(nl == std::string_view::npos ? before : before.substr(nl + 1));
      before = nl == std::string_view::npos ? std::string_view{} : before.substr(0, nl);
      if (!blank) break;  // dropped the last non-empty line: the prompt
    }
  }
  std::string banner = clean_banner(before);
  if (!banner.empty()) obs.push_back(Observation{endpoint, keys::telnet::banner, Value{std::move(banner)}, ev});
  if (!result.options.empty()) obs.push_back(Observation{endpoint, keys::telnet::options, Value{result.options}, ev});
  obs.push_back(Observation{endpoint, keys::telnet::prompt, Value{std::string(to_string(result.prompt))}, ev});
  return obs;
}

}  // namespace trustscan
