#include "lib/signing/certificate_chain.h"

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include "lib/base/build_time.h"
#include "lib/signing/certificate_x509.h"
#include "lib/signing/openssl.h"
#include "lib/signing/x509_text.h"

namespace eifkit {

namespace {

using StorePtr = std::unique_ptr<X509_STORE, OpensslDeleter<X509_STORE_free>>;
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, OpensslDeleter<X509_STORE_CTX_free>>;
// sk_X509_free is a macro; the stack holds borrowed certificates, freed by their owners.
void free_stack(STACK_OF(X509) * s) {
  sk_X509_free(s);
}
using StackPtr = std::unique_ptr<STACK_OF(X509), OpensslDeleter<free_stack>>;

// What the verifier said about time, kept aside so that the links are still judged.
struct TimeNotes {
  std::string first;
  std::time_t at = 0;
};

int time_notes_index() {
  static const int index = X509_STORE_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

std::string subject_of(X509* x) {
  return x ? name_one_line(X509_get_subject_name(x)) : "a certificate";
}

int note_time_and_go_on(int ok, X509_STORE_CTX* ctx) {
  if (ok) return 1;
  int err = X509_STORE_CTX_get_error(ctx);
  if (err != X509_V_ERR_CERT_HAS_EXPIRED && err != X509_V_ERR_CERT_NOT_YET_VALID) return 0;
  auto* notes = static_cast<TimeNotes*>(X509_STORE_CTX_get_ex_data(ctx, time_notes_index()));
  if (notes && notes->first.empty()) {
    X509* cert = X509_STORE_CTX_get_current_cert(ctx);
    const ASN1_TIME* edge = nullptr;
    if (cert)
      edge =
          err == X509_V_ERR_CERT_HAS_EXPIRED ? X509_get0_notAfter(cert) : X509_get0_notBefore(cert);
    std::optional<std::time_t> when = edge ? to_time_t(edge) : std::nullopt;
    std::string date = when ? format_rfc3339_utc(*when) : "an unreadable date";
    notes->first = subject_of(cert) +
                   (err == X509_V_ERR_CERT_HAS_EXPIRED ? " expired on " + date
                                                       : " is not valid before " + date) +
                   " (checked at " + format_rfc3339_utc(notes->at) + ")";
  }
  return 1;
}

}  // namespace

ChainFindings check_certificate_chain(const Certificate& leaf,
                                      std::span<const Certificate> intermediates,
                                      const Certificate& anchor, std::optional<std::time_t> at) {
  StackPtr untrusted(sk_X509_new_null());
  check(untrusted != nullptr, "sk_X509_new_null");
  for (const Certificate& c : intermediates) {
    check(sk_X509_push(untrusted.get(), x509_of(c)) > 0, "sk_X509_push");
  }
  StorePtr store(X509_STORE_new());
  check(store && X509_STORE_add_cert(store.get(), x509_of(anchor)) == 1, "X509_STORE_add_cert");
  StoreCtxPtr ctx(X509_STORE_CTX_new());
  check(ctx && X509_STORE_CTX_init(ctx.get(), store.get(), x509_of(leaf), untrusted.get()) == 1,
        "X509_STORE_CTX_init");
  if (at) {
    X509_STORE_CTX_set_time(ctx.get(), 0, *at);
  } else {
    X509_VERIFY_PARAM_set_flags(X509_STORE_CTX_get0_param(ctx.get()), X509_V_FLAG_NO_CHECK_TIME);
  }
  X509_STORE_CTX_set_verify_cb(ctx.get(), note_time_and_go_on);
  TimeNotes notes{"", at.value_or(0)};
  check(X509_STORE_CTX_set_ex_data(ctx.get(), time_notes_index(), &notes) == 1,
        "X509_STORE_CTX_set_ex_data");

  ChainFindings out;
  out.linked = X509_verify_cert(ctx.get()) == 1;
  if (!out.linked) {
    int err = X509_STORE_CTX_get_error(ctx.get());
    out.link_problem = subject_of(X509_STORE_CTX_get_current_cert(ctx.get())) + ": " +
                       X509_verify_cert_error_string(err);
  }
  ERR_clear_error();
  out.valid_at_time = at && notes.first.empty();
  out.time_problem = notes.first;
  return out;
}

}  // namespace eifkit
