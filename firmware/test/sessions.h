// Behaviour sessions (tests/fixtures/protocol/sessions/*.txt, format in the
// README there): a script of host lines and sensor inputs on a simulated
// clock, and the device lines expected back.
#ifndef LT_TEST_SESSIONS_H
#define LT_TEST_SESSIONS_H

#include <string>
#include <vector>

namespace lttest {

/// Runs one session file against lt::Device; returns the problems found.
std::vector<std::string> runSession(const std::string& path);

/// Whether `line` matches a session pattern (`{u}`, `{h}`, `{*}`, `{a..b}`,
/// `{CRC}`); exposed for the runner's own tests.
bool matchPattern(const std::string& pattern, const std::string& line);

/// Replaces `{CRC}` in a host line by the CRC of the bytes before its `*`.
std::string fillCrc(const std::string& line);

}  // namespace lttest

#endif  // LT_TEST_SESSIONS_H
