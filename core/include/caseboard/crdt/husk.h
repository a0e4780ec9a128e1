// A husk: what is left of a change after a destruction (retention schedule,
// issue 7). It keeps the original change's place in the history graph (its
// header and hash) and the ops that did not touch destroyed records, and
// drops everything else:
//
//   husk    = CBOR ["husk", header, hash, residue, destroy, signature]
//   header  = the original change's header bytes (no content: ids, clock, deps)
//   hash    = the original change's hash, which later changes name as a dependency
//   residue = AES-256-GCM(review key for the header's compartment and epoch,
//             CBOR ops, with every op on a destroyed record replaced by null,
//             aad = "caseboard/husk/v1" || header || hash)
//   destroy = the hash of the owner-signed "destroy" membership change that
//             named this change
//   signature = Ed25519("caseboard/husk/v1" || header || hash || residue ||
//             destroy) by the destroying owner or by the change's own author,
//             or all zeros for a husk a device made in its own vault (trusted
//             there, refused on the wire)
//
// The original signature covered the destroyed bytes and cannot be checked
// any more, so a husk is vouched for by someone else's signature: the owner
// who destroyed (a replica applies the residue only once that owner's destroy
// change, which names the husk's hash, has been verified and applied), or the
// change's author, who husks its own change when a destroy change reaches it
// (an edit made offline to a record destroyed meanwhile). Either way the
// residue is taken on the signer's word: a device that holds the original
// computes its own residue instead.
#pragma once

#include <vector>

#include "caseboard/crdt/change.h"

namespace caseboard::crdt {

// Whether `sealed` is a husk rather than a change (a cheap look at its start).
bool IsHusk(ByteView sealed);

// Seals the husk of `original`, keeping `residue` (original's ops with the
// destroyed ones null). `sign` is the destroying owner's signer, or nullptr
// for a husk kept only in this device's vault.
Result<Change> SealHusk(const Change& original, const std::vector<Op>& residue,
                        const crypto::SecureBytes& key, const Hash& destroy, const Signer* sign);

// Parses husk bytes (ParseChange calls it for them).
Result<Change> ParseHusk(ByteView sealed);

bool HuskIsSigned(const Change& husk);
Status VerifyHuskSignature(const Change& husk, ByteView signing_key);

// The residue's ops (null where an op was destroyed).
// Whether a membership change's ops hold a destruction ("destroy" op), and
// whether one of those names the change `hash` among the changes it husks.
// Devices and the board both ask this before they trust a husk's signer.
bool IsDestruction(const std::vector<Op>& ops);
bool DestructionNames(const std::vector<Op>& ops, const Hash& hash);

Result<std::vector<Op>> OpenHuskOps(const Change& husk, const crypto::SecureBytes& key);

}  // namespace caseboard::crdt
