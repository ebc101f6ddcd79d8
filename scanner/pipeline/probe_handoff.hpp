// trustscan — what a protocol probe hands its follow-on stages (probe_runner.hpp, ProbeEntry).
//
// A stage never re-reads what the probe already read: the probe fills this struct (through
// ProbeContext::handoff) and the runner passes it to every stage of the entry, in order.
#pragma once

#include "probes/http/http.hpp"
#include "probes/rtsp/rtsp.hpp"

#include <any>
#include <optional>
#include <string>

namespace trustscan {

struct ProbeHandoff {
  /// The probe found something its credentials stage can try (a login prompt, a refused
  /// anonymous CONNECT, an FTP server that took USER, an SSH server that sent its KEXINIT…);
  /// without it the runner does not run that stage.
  bool login_surface = false;
  /// HTTP: the page fetched (GET `http_path`), whose login surface the trial reads.
  std::optional<HttpResponse> http_page;
  std::string http_path;
  /// RTSP: the answer to DESCRIBE `rtsp_url` without credentials.
  std::optional<RtspResponse> rtsp_describe;
  std::string rtsp_url;
  /// A protocol outside the built-in list hands off its own type here (std::any_cast reads it).
  std::any other;
};

}  // namespace trustscan
