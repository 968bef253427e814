#include "tests/unit/sns/tls_test_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace regen::ingest::testing {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using CertPtr = std::unique_ptr<X509, decltype(&X509_free)>;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test PKI: ") + what + " failed");
}

KeyPtr new_key() {
  KeyPtr key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  check(key != nullptr, "EVP_EC_gen");
  return key;
}

void add_extension(X509* cert, X509V3_CTX* context, int nid, const std::string& value) {
  X509_EXTENSION* extension = X509V3_EXT_nconf_nid(nullptr, context, nid, value.c_str());
  check(extension != nullptr, "X509V3_EXT_nconf_nid");
  const int added = X509_add_ext(cert, extension, -1);
  X509_EXTENSION_free(extension);
  check(added == 1, "X509_add_ext");
}

// `issuer` null: self-signed CA. Otherwise a server certificate for `san`.
CertPtr new_cert(EVP_PKEY* key, const std::string& common_name, X509* issuer, EVP_PKEY* issuer_key,
                 const std::string& san) {
  static std::atomic<long> serial{1};
  CertPtr cert(X509_new(), X509_free);
  check(cert != nullptr, "X509_new");
  check(X509_set_version(cert.get(), 2) == 1, "X509_set_version");
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial++);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  check(X509_set_pubkey(cert.get(), key) == 1, "X509_set_pubkey");
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509* signer = issuer != nullptr ? issuer : cert.get();
  check(X509_set_issuer_name(cert.get(), X509_get_subject_name(signer)) == 1, "set issuer");

  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, signer, cert.get(), nullptr, nullptr, 0);
  if (issuer == nullptr) {
    add_extension(cert.get(), &context, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(cert.get(), &context, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_extension(cert.get(), &context, NID_basic_constraints, "critical,CA:FALSE");
    add_extension(cert.get(), &context, NID_key_usage, "critical,digitalSignature");
    add_extension(cert.get(), &context, NID_ext_key_usage, "serverAuth");
    add_extension(cert.get(), &context, NID_subject_alt_name, san);
    add_extension(cert.get(), &context, NID_authority_key_identifier, "keyid:always");
  }
  add_extension(cert.get(), &context, NID_subject_key_identifier, "hash");
  const bool signed_ok =
      X509_sign(cert.get(), issuer_key != nullptr ? issuer_key : key, EVP_sha256()) > 0;
  check(signed_ok, "X509_sign");
  return cert;
}

template <typename Write>
std::string to_pem(Write write) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  check(bio != nullptr && write(bio.get()) == 1, "PEM write");
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

std::string cert_pem(X509* cert) {
  return to_pem([cert](BIO* bio) { return PEM_write_bio_X509(bio, cert); });
}

std::string key_pem(EVP_PKEY* key) {
  return to_pem([key](BIO* bio) {
    return PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  });
}

}  // namespace

struct TestCa::Keys {
  KeyPtr key{nullptr, EVP_PKEY_free};
  CertPtr cert{nullptr, X509_free};
};

TestCa::TestCa() : keys_(std::make_unique<Keys>()) {
  static std::atomic<int> counter{0};
  keys_->key = new_key();
  const int serial = counter++;
  keys_->cert =
      new_cert(keys_->key.get(), "regen test CA " + std::to_string(serial), nullptr, nullptr, "");
  ca_file_ =
      (std::filesystem::temp_directory_path() /
       ("regen_sns_ca_" + std::to_string(::getpid()) + "_" + std::to_string(serial) + ".pem"))
          .string();
  std::ofstream out(ca_file_, std::ios::trunc);
  out << cert_pem(keys_->cert.get());
  check(static_cast<bool>(out.flush()), "writing the CA file");
}

TestCa::~TestCa() {
  std::error_code ignored;
  std::filesystem::remove(ca_file_, ignored);
}

PemIdentity TestCa::issue(const std::string& san) const {
  KeyPtr key = new_key();
  CertPtr cert = new_cert(key.get(), "regen test server", keys_->cert.get(), keys_->key.get(), san);
  return PemIdentity{cert_pem(cert.get()), key_pem(key.get())};
}

struct TlsTestServer::Impl {
  Impl(const PemIdentity& identity, unsigned answer_status, std::size_t answer_body_size)
      : status(answer_status), body_size(answer_body_size) {
    tls.use_certificate_chain(asio::buffer(identity.certificate));
    tls.use_private_key(asio::buffer(identity.private_key), asio::ssl::context::pem);
  }

  asio::awaitable<void> serve() {
    while (true) {
      beast::error_code ec;
      tcp::socket socket =
          co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      asio::co_spawn(io, session(std::move(socket)), asio::detached);
    }
  }

  asio::awaitable<void> session(tcp::socket socket) {
    beast::error_code ec;
    auto on_error = asio::redirect_error(asio::use_awaitable, ec);
    beast::ssl_stream<tcp::socket> stream(std::move(socket), tls);
    co_await stream.async_handshake(asio::ssl::stream_base::server, on_error);
    if (ec) co_return;
    {
      const char* name = SSL_get_servername(stream.native_handle(), TLSEXT_NAMETYPE_host_name);
      std::lock_guard lock(mutex);
      names.emplace_back(name != nullptr ? name : "");
    }
    beast::flat_buffer buffer;
    http::request<http::empty_body> request;
    co_await http::async_read(stream, buffer, request, on_error);
    if (ec) co_return;
    {
      std::lock_guard lock(mutex);
      seen.emplace_back(request.target());
    }
    http::response<http::string_body> response{static_cast<http::status>(status), 11};
    response.set(http::field::content_type, "text/xml");
    if (status / 100 == 3) response.set(http::field::location, "/redirected");
    response.body() = std::string(body_size, 'x');
    response.keep_alive(false);
    response.prepare_payload();
    co_await http::async_write(stream, response, on_error);
    if (ec) co_return;
    co_await stream.async_shutdown(on_error);
  }

  const unsigned status;
  const std::size_t body_size;
  asio::ssl::context tls{asio::ssl::context::tls_server};
  asio::io_context io;
  tcp::acceptor acceptor{io, tcp::endpoint(asio::ip::address_v4::loopback(), 0)};
  const unsigned short port = acceptor.local_endpoint().port();
  mutable std::mutex mutex;
  std::vector<std::string> seen;
  std::vector<std::string> names;
  std::thread thread;
};

TlsTestServer::TlsTestServer(const PemIdentity& identity, unsigned status, std::size_t body_size)
    : impl_(std::make_unique<Impl>(identity, status, body_size)) {
  asio::co_spawn(impl_->io, impl_->serve(), asio::detached);
  impl_->thread = std::thread([impl = impl_.get()] { impl->io.run(); });
}

TlsTestServer::~TlsTestServer() {
  impl_->io.stop();
  impl_->thread.join();
}

unsigned short TlsTestServer::port() const { return impl_->port; }

std::vector<std::string> TlsTestServer::targets() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->seen;
}

std::vector<std::string> TlsTestServer::server_names() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->names;
}

SilentListener::SilentListener() {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  check(fd_ >= 0, "socket");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  check(::bind(fd_, reinterpret_cast<sockaddr*>(&address), length) == 0, "bind");
  check(::listen(fd_, 16) == 0, "listen");
  check(::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0, "getsockname");
  port_ = ntohs(address.sin_port);
}

SilentListener::~SilentListener() { ::close(fd_); }

}  // namespace regen::ingest::testing
