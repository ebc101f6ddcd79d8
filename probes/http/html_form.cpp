// trustscan — login form extraction.
#include "probes/http/html_form.hpp"
#include "trustscan/text.hpp"

#include <algorithm>
#include <cctype>

namespace trustscan {

namespace {

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// Case-insensitive find of an ASCII needle.
std::size_t ifind(std::string_view hay, std::string_view needle, std::size_t from) {
  if (needle.empty() || hay.size() < needle.size()) return std::string_view::npos;
  for (std::size_t i = from; i + needle.size() <= hay.size(); ++i) {
    std::size_t j = 0;
    while (j < needle.size() && lower(hay[i + j]) == needle[j]) ++j;
    if (j == needle.size()) return i;
  }
  return std::string_view::npos;
}


// Attributes of one tag: `tag` is the text between '<name' and '>'.
std::vector<std::pair<std::string, std::string>> attributes(std::string_view tag) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t i = 0;
  while (i < tag.size() && out.size() < 64) {
    while (i < tag.size() && (std::isspace(static_cast<unsigned char>(tag[i])) || tag[i] == '/')) ++i;
    const std::size_t name_start = i;
    while (i < tag.size() && !std::isspace(static_cast<unsigned char>(tag[i])) && tag[i] != '=' && tag[i] != '/') ++i;
    if (i == name_start) break;
    std::string name(tag.substr(name_start, i - name_start));
    std::transform(name.begin(), name.end(), name.begin(), lower);
    while (i < tag.size() && std::isspace(static_cast<unsigned char>(tag[i]))) ++i;
    std::string value;
    if (i < tag.size() && tag[i] == '=') {
      ++i;
      while (i < tag.size() && std::isspace(static_cast<unsigned char>(tag[i]))) ++i;
      if (i < tag.size() && (tag[i] == '"' || tag[i] == '\'')) {
        const char q = tag[i++];
        const auto end = tag.find(q, i);
        const auto stop = end == std::string_view::npos ? tag.size() : end;
        value = decode_entities(tag.substr(i, stop - i), kMaxValue);
        i = stop + 1;
      } else {
        const std::size_t v = i;
        while (i < tag.size() && !std::isspace(static_cast<unsigned char>(tag[i]))) ++i;
        value = decode_entities(tag.substr(v, i - v), kMaxValue);
      }
    }
    out.emplace_back(std::move(name), std::move(value));
  }
  return out;
}

std::string attr(const std::vector<std::pair<std::string, std::string>>& attrs, std::string_view name) {
  for (const auto& [k, v] : attrs)
    if (k == name) return v;
  return {};
}

}  // namespace

const HtmlInput* HtmlForm::password_field() const noexcept {
  for (const auto& i : inputs)
    if (i.type == "password") return &i;
  return nullptr;
}

const HtmlInput* HtmlForm::user_field() const noexcept {
  const HtmlInput* candidate = nullptr;
  for (const auto& i : inputs) {
    if (i.type == "password") return candidate;
    if ((i.type == "text" || i.type == "email") && !i.name.empty()) candidate = &i;
  }
  return candidate;
}

std::vector<HtmlForm> find_forms(std::string_view html) {
  html = html.substr(0, std::min(html.size(), kMaxPage));
  std::vector<HtmlForm> forms;
  std::size_t pos = 0;
  while (forms.size() < kMaxForms) {
    const auto start = ifind(html, "<form", pos);
    if (start == std::string_view::npos) break;
    const auto tag_end = html.find('>', start);
    if (tag_end == std::string_view::npos) break;
    auto close = ifind(html, "</form", tag_end);
    if (close == std::string_view::npos) close = html.size();
    HtmlForm form;
    const auto fa = attributes(html.substr(start + 5, tag_end - start - 5));
    form.action = attr(fa, "action");
    form.method = attr(fa, "method");
    std::transform(form.method.begin(), form.method.end(), form.method.begin(), lower);
    if (form.method.empty()) form.method = "get";
    const auto body = html.substr(tag_end + 1, close - tag_end - 1);
    std::size_t ip = 0;
    while (form.inputs.size() < kMaxInputs) {
      const auto in = ifind(body, "<input", ip);
      if (in == std::string_view::npos) break;
      const auto in_end = body.find('>', in);
      if (in_end == std::string_view::npos) break;
      const auto ia = attributes(body.substr(in + 6, in_end - in - 6));
      HtmlInput input{attr(ia, "type"), attr(ia, "name"), attr(ia, "value")};
      std::transform(input.type.begin(), input.type.end(), input.type.begin(), lower);
      if (input.type.empty()) input.type = "text";
      form.inputs.push_back(std::move(input));
      ip = in_end + 1;
    }
    forms.push_back(std::move(form));
    pos = close == html.size() ? html.size() : close + 6;
  }
  return forms;
}

std::optional<HtmlForm> find_login_form(std::string_view html) {
  for (auto& f : find_forms(html))
    if (f.password_field() && !f.password_field()->name.empty()) return f;
  return std::nullopt;
}

std::string form_urlencode(std::string_view value) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::optional<std::string> resolve_action(std::string_view action, std::string_view page_path, std::string_view host) {
  if (action.empty()) return std::string(page_path);
  if (action.starts_with("http://") || action.starts_with("https://")) {
    const auto rest = action.substr(action.find("//") + 2);
    const auto slash = rest.find('/');
    const auto authority = rest.substr(0, slash);
    if (authority != host) return std::nullopt;
    return slash == std::string_view::npos ? std::string("/") : std::string(rest.substr(slash));
  }
  if (action.starts_with("//")) return std::nullopt;  // another host, scheme-relative
  if (action.front() == '/') return std::string(action);
  const auto dir = page_path.substr(0, page_path.rfind('/') + 1);
  return std::string(dir.empty() ? "/" : dir) + std::string(action);
}

}  // namespace trustscan
