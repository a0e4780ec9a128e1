// Files in a review: attach and extract.
#include <cstdio>
#include <fstream>
#include <iostream>

#include "caseboard/domain/access_log.h"
#include "commands.h"

namespace caseboard::cli {
namespace {

int Attach(const Context& ctx, const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {"--name", "--media-type", "--compartment"}, {});
  if (!args.ok()) return UsageError("attach", args.status().message());
  const auto& pos = args->positional();
  if (pos.size() != 2) return UsageError("attach", "needs a review and a file");
  std::ifstream in(pos[1], std::ios::binary);
  if (!in) return Fail(Status::IOError("cannot read " + pos[1]));
  auto vault = ctx.OpenUnlocked();
  if (!vault.ok()) return Fail(vault.status());
  auto r = ctx.OpenReview(**vault, pos[0]);
  if (!r.ok()) return Fail(r.status());
  std::string name = args->Get("--name").value_or(std::filesystem::path(pos[1]).filename().string());
  auto id = (*r)->AttachFile(
      name, args->Get("--media-type").value_or("application/octet-stream"),
      [&](std::span<uint8_t> buf) -> Result<size_t> {
        in.read(reinterpret_cast<char*>(buf.data()), static_cast<std::streamsize>(buf.size()));
        if (in.bad()) return Status::IOError("reading " + pos[1] + " failed");
        return static_cast<size_t>(in.gcount());
      },
      args->Get("--compartment"));
  if (!id.ok()) return Fail(id.status());
  std::cout << *id << "\n";
  return kExitOk;
}

int Extract(const Context& ctx, const std::vector<std::string>& argv) {
  auto args = Args::Parse(argv, {"--out"}, {});
  if (!args.ok()) return UsageError("extract", args.status().message());
  const auto& pos = args->positional();
  auto out_path = args->Get("--out");
  if (pos.size() != 2 || !out_path)
    return UsageError("extract", "needs a review, an attachment id and --out FILE");
  auto vault = ctx.OpenUnlocked();
  if (!vault.ok()) return Fail(vault.status());
  auto r = ctx.OpenReview(**vault, pos[0]);
  if (!r.ok()) return Fail(r.status());
  // A restricted file leaves the vault only with its entry in the access log.
  if (auto logged = domain::LogAccess(**r, "exported", pos[1], "caseboard-cli extract"); !logged.ok())
    return Fail(logged.status().WithContext("not extracted: the access could not be logged"));
  // Written beside the target and renamed only once complete and verified,
  // so a damaged attachment never leaves a plausible-looking partial file.
  std::string tmp = *out_path + ".partial";
  Status s;
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Fail(Status::IOError("cannot write " + tmp));
    // Plaintext case material: readable by this user only, before a byte is written.
    std::filesystem::permissions(tmp,
                                 std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::replace);
    s = (*r)->ExtractFile(pos[1], [&](ByteView data) {
      out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
      return out ? Status::Ok() : Status::IOError("writing " + tmp + " failed (disk full?)");
    });
  }
  std::error_code ec;
  if (!s.ok()) {
    std::filesystem::remove(tmp, ec);
    return Fail(s);
  }
  std::filesystem::rename(tmp, *out_path, ec);
  if (ec) return Fail(Status::IOError("cannot move the file into place at " + *out_path));
  return kExitOk;
}

}  // namespace

void AddAttachmentCommands(std::vector<Command>& out) {
  out.push_back(
      {"attach", "add a file (agency report, recording) to a review",
       R"(usage: caseboard-cli attach REVIEW FILE [--name NAME] [--media-type TYPE] [--compartment C]

Streams FILE into the vault encrypted (never held whole in memory) and records
an attachment entry in the review. Prints the attachment's id.
)",
       Attach});
  out.push_back({"extract", "write an attached file back out",
                 R"(usage: caseboard-cli extract REVIEW ID --out FILE

Decrypts attachment ID to FILE, checking every chunk and the content hash.
The decrypted copy is outside the vault: delete it when done.
)",
                 Extract});
}

}  // namespace caseboard::cli
