// Login form extraction from device admin pages.
#include "probes/http/html_form.hpp"

#include <doctest/doctest.h>

using namespace trustscan;

TEST_CASE("a typical router login page") {
  // Shape of the lab plug's page (tests/lab/personas/plug_http.py) and of common router UIs:
  // unquoted and single-quoted attributes, a hidden CSRF token, upper-case tags.
  const char* page = R"(<html><head><title>Smart Plug</title></head><body>
    <FORM action='/login' METHOD=post>
      <input type=hidden name=csrf value="a&amp;b">
      <label>User</label><input type="text" name="username">
      <input type='password' name='password'>
      <input type=submit value=Login>
    </FORM></body></html>)";
  const auto f = find_login_form(page);
  REQUIRE(f);
  CHECK(f->action == "/login");
  CHECK(f->method == "post");
  REQUIRE(f->inputs.size() == 4);
  CHECK(f->inputs[0].value == "a&b");
  REQUIRE(f->user_field());
  CHECK(f->user_field()->name == "username");
  CHECK(f->password_field()->name == "password");
}

TEST_CASE("pages without a login form, and forms without a user field") {
  CHECK_FALSE(find_login_form("<html><form action=/search><input name=q></form></html>"));
  CHECK_FALSE(find_login_form("no html at all"));
  const auto pin = find_login_form("<form method=post><input type=password name=pin></form>");
  REQUIRE(pin);
  CHECK(pin->user_field() == nullptr);
  CHECK(pin->method == "post");
  CHECK(pin->action.empty());
}

TEST_CASE("hostile pages stay bounded") {
  std::string many = "<form>";
  for (int i = 0; i < 10000; ++i) many += "<input name=x" + std::to_string(i) + ">";
  const auto forms = find_forms(many);
  REQUIRE(forms.size() == 1);
  CHECK(forms[0].inputs.size() == kMaxInputs);
  std::string lots;
  for (int i = 0; i < 1000; ++i) lots += "<form></form>";
  CHECK(find_forms(lots).size() == kMaxForms);
  CHECK(find_forms("<form").empty());
  // An unterminated quote ends at the tag's end: tolerated, like browsers do.
  const auto odd = find_forms("<form action='unterminated>");
  REQUIRE(odd.size() == 1);
  CHECK(odd[0].action == "unterminated");
  const std::string long_value = "<form><input type=password name=p value=\"" + std::string(100000, 'v') + "\"></form>";
  const auto f = find_login_form(long_value);
  REQUIRE(f);
  CHECK(f->inputs[0].value.size() <= kMaxValue);
}

TEST_CASE("form actions resolve against the page, never to another host") {
  CHECK(resolve_action("", "/index.html", "198.18.0.12") == "/index.html");
  CHECK(resolve_action("/login", "/", "198.18.0.12") == "/login");
  CHECK(resolve_action("login.cgi", "/admin/index.html", "198.18.0.12") == "/admin/login.cgi");
  CHECK(resolve_action("http://198.18.0.12/x", "/", "198.18.0.12") == "/x");
  CHECK_FALSE(resolve_action("http://evil.example/x", "/", "198.18.0.12"));
  CHECK_FALSE(resolve_action("//evil.example/x", "/", "198.18.0.12"));
}

TEST_CASE("urlencoding") {
  CHECK(form_urlencode("admin") == "admin");
  CHECK(form_urlencode("a b&c=d") == "a+b%26c%3Dd");
  CHECK(form_urlencode("\xff") == "%FF");
}
