// Test helper: temporary file names and file contents.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

namespace testsupport {

/// A fresh name "/tmp/trustscan-test-XXXXXX<suffix>" that no file has yet (the caller removes
/// what it writes there).
inline std::string temp_path(const char* suffix = "") {
  char tmpl[] = "/tmp/trustscan-test-XXXXXX";
  const int fd = ::mkstemp(tmpl);
  if (fd < 0) throw std::runtime_error("mkstemp failed");
  ::close(fd);
  std::remove(tmpl);
  return std::string(tmpl) + suffix;
}

/// Writes `text` to a fresh temporary file and returns its path.
inline std::string write_temp(const std::string& text, const char* suffix = "") {
  const auto path = temp_path(suffix);
  std::ofstream(path) << text;
  return path;
}

/// The whole file, or "" when it cannot be read.
inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace testsupport
