// trustscan — service identification matcher.
#include "probes/identify/identify.hpp"

#include <algorithm>
#include <cctype>

namespace trustscan {

const Hello* ServiceTable::hello(std::string_view name) const noexcept {
  for (const auto& h : hellos)
    if (h.name == name) return &h;
  return nullptr;
}

namespace {

bool ieq_prefix(std::string_view text, std::string_view prefix, bool icase) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    const auto a = static_cast<unsigned char>(text[i]), b = static_cast<unsigned char>(prefix[i]);
    if (icase ? std::tolower(a) != std::tolower(b) : a != b) return false;
  }
  return true;
}

bool contains(std::string_view text, std::string_view needle, bool icase) {
  if (needle.empty()) return true;
  if (!icase) return text.find(needle) != std::string_view::npos;
  for (std::size_t i = 0; i + needle.size() <= text.size(); ++i)
    if (ieq_prefix(text.substr(i), needle, true)) return true;
  return false;
}

// "$1 on $2" with the groups of `m`; a group that did not take part expands to nothing.
std::string expand(const std::string& tmpl, const std::cmatch* m) {
  std::string out;
  for (std::size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] == '$' && i + 1 < tmpl.size() && std::isdigit(static_cast<unsigned char>(tmpl[i + 1]))) {
      const auto g = static_cast<std::size_t>(tmpl[i + 1] - '0');
      if (m && g < m->size() && (*m)[g].matched) out += (*m)[g].str();
      ++i;
    } else {
      out += tmpl[i];
    }
  }
  // Versions come from device bytes: keep them printable and short.
  out.erase(std::remove_if(out.begin(), out.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }), out.end());
  if (out.size() > 128) out.resize(128);
  return out;
}

}  // namespace

std::optional<Identification> identify(const ServiceTable& table, std::string_view hello, Bytes reply) noexcept {
  const auto text = as_text(reply.first(std::min(reply.size(), kMatchWindow)));
  if (text.empty()) return std::nullopt;
  try {
    for (const auto& rule : table.rules) {
      if (rule.hello != hello) continue;
      std::cmatch m;
      bool hit = false;
      switch (rule.kind) {
        case MatchRule::Kind::prefix: hit = ieq_prefix(text, rule.pattern, rule.icase); break;
        case MatchRule::Kind::contains: hit = contains(text, rule.pattern, rule.icase); break;
        case MatchRule::Kind::regex:
          hit = rule.compiled && std::regex_search(text.data(), text.data() + text.size(), m, *rule.compiled);
          break;
      }
      if (!hit) continue;
      const std::cmatch* groups = rule.kind == MatchRule::Kind::regex ? &m : nullptr;
      return Identification{rule.service, expand(rule.product, groups), expand(rule.version, groups), rule.hello, rule.line};
    }
  } catch (...) {
    // std::regex_error (error_complexity / error_stack) on a hostile reply: not identified.
  }
  return std::nullopt;
}

}  // namespace trustscan
