// trustscan — finding the login form in an HTML page (for cred.default.http form logins).
//
// Not an HTML parser: a bounded, tolerant scan for <form …> … </form> blocks and the <input>
// elements inside them, which is what a device's login page is. Attribute values may be quoted
// with " or ' or not at all; names are case-insensitive; the 5 basic entities are decoded.
//
// Caps: at most kMaxForms forms and kMaxInputs inputs per form are kept; attribute values are cut
// at kMaxValue bytes; the page itself is looked at up to kMaxPage bytes.
#pragma once

#include "trustscan/parse.hpp"

#include <optional>
#include <string>
#include <vector>

namespace trustscan {

struct HtmlInput {
  std::string type;   ///< lowercased; "text" when absent
  std::string name;
  std::string value;  ///< default value (hidden fields carry CSRF tokens here)
};

struct HtmlForm {
  std::string action;  ///< as written (may be empty: the page's own URL)
  std::string method;  ///< lowercased; "get" when absent
  std::vector<HtmlInput> inputs;

  /// The first input of type password, or nullptr.
  const HtmlInput* password_field() const noexcept;
  /// The text/email input closest before the password field (the user name), or nullptr.
  const HtmlInput* user_field() const noexcept;
};

inline constexpr std::size_t kMaxForms = 8;
inline constexpr std::size_t kMaxInputs = 32;
inline constexpr std::size_t kMaxValue = 512;
inline constexpr std::size_t kMaxPage = 256 * 1024;

/// Every form in `html` (up to the caps), in document order.
std::vector<HtmlForm> find_forms(std::string_view html);

/// The first form with a password field, if any.
std::optional<HtmlForm> find_login_form(std::string_view html);

/// application/x-www-form-urlencoded encoding of one value (RFC 3986 unreserved kept).
std::string form_urlencode(std::string_view value);

/// Resolves a form action against the path of the page that holds it: "" → page path,
/// "/x" → "/x", "x" → directory of page + "x". Absolute URLs ("http://…") keep only their path
/// when their host is `host`, otherwise nullopt (a login form posting elsewhere is not followed).
std::optional<std::string> resolve_action(std::string_view action, std::string_view page_path, std::string_view host);

}  // namespace trustscan
