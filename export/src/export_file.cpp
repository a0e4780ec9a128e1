// Choosing a format and writing the exported file.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "caseboard/export/pack_export.h"

namespace caseboard::exporting {

Result<Format> ParseFormat(std::string_view name) {
  if (name == "pdf") return Format::kPdf;
  if (name == "html") return Format::kHtml;
  if (name == "docx") return Format::kDocx;
  return Status::InvalidArgument("unknown export format '" + std::string(name) + "': use pdf, html or docx");
}

const char* FormatName(Format format) {
  switch (format) {
    case Format::kPdf:
      return "pdf";
    case Format::kHtml:
      return "html";
    case Format::kDocx:
      return "docx";
  }
  return "?";
}

Result<std::string> Render(const domain::PublicationPack& pack, Format format) {
  switch (format) {
    case Format::kPdf:
      return RenderPdf(pack);
    case Format::kHtml:
      return RenderHtml(pack);
    case Format::kDocx:
      return RenderDocx(pack);
  }
  return Status::InvalidArgument("unknown export format");
}

Status WriteFile(const std::string& path, const std::string& bytes) {
  if (path.empty()) return Status::InvalidArgument("name the file to export to");
  std::string temp = path + ".partial-XXXXXX";
  int fd = mkstemp(temp.data());
  if (fd < 0) return Status::IOError("cannot write beside " + path + ": " + std::strerror(errno));
  auto fail = [&](const std::string& what) {
    int e = errno;
    close(fd);
    unlink(temp.c_str());
    return Status::IOError("cannot " + what + " " + path + ": " + std::strerror(e));
  };
  if (fchmod(fd, 0600) != 0) return fail("protect");
  for (size_t done = 0; done < bytes.size();) {
    ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail("write");
    done += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0) return fail("write");
  if (close(fd) != 0) {
    unlink(temp.c_str());
    return Status::IOError("cannot write " + path + ": " + std::strerror(errno));
  }
  if (rename(temp.c_str(), path.c_str()) != 0) {
    int e = errno;
    unlink(temp.c_str());
    return Status::IOError("cannot write " + path + ": " + std::strerror(e));
  }
  return Status::Ok();
}

}  // namespace caseboard::exporting
