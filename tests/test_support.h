// Helpers shared by the test suites.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "caseboard/bytes.h"

namespace caseboard::test {

// A fresh folder under the system temp dir, removed with everything in it
// when the object goes away.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string str() const { return path_.string(); }
  std::string Sub(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Hex literal to bytes; aborts the test on malformed hex.
Bytes Hex(std::string_view hex);

Bytes ReadFile(const std::filesystem::path& path);
void WriteFile(const std::filesystem::path& path, ByteView data);

// True if `needle` occurs anywhere in `haystack`.
bool Contains(ByteView haystack, ByteView needle);

}  // namespace caseboard::test
