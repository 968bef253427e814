#pragma once
// Test support for the SNS confirmer: a throwaway PKI generated in memory with OpenSSL's C API,
// and minimal HTTPS servers on 127.0.0.1 (free ports) that the confirmer can be pointed at.

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace regen::ingest::testing {

// A certificate and its private key, PEM-encoded.
struct PemIdentity {
  std::string certificate;
  std::string private_key;
};

// A self-signed CA that issues server certificates. Its certificate is also written to a
// temporary file (ca_file()) for SnsConfirmerSettings::ca_file, removed on destruction.
class TestCa {
 public:
  TestCa();
  TestCa(const TestCa&) = delete;
  TestCa& operator=(const TestCa&) = delete;
  ~TestCa();

  // A server certificate for the subjectAltName list `san` ("IP:127.0.0.1,DNS:localhost").
  PemIdentity issue(const std::string& san) const;
  const std::string& ca_file() const { return ca_file_; }

 private:
  struct Keys;
  std::unique_ptr<Keys> keys_;
  std::string ca_file_;
};

// An HTTPS server on 127.0.0.1 served by its own thread: each connection gets one request
// read and answered with `status` and a body of `body_size` bytes. Listening before the
// constructor returns; the destructor stops and joins the thread.
class TlsTestServer {
 public:
  TlsTestServer(const PemIdentity& identity, unsigned status, std::size_t body_size = 32);
  TlsTestServer(const TlsTestServer&) = delete;
  TlsTestServer& operator=(const TlsTestServer&) = delete;
  ~TlsTestServer();

  unsigned short port() const;
  // The request targets (path and query) read so far, in order.
  std::vector<std::string> targets() const;
  // The SNI host name of each completed handshake, in order; "" when the client sent none.
  std::vector<std::string> server_names() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A TCP listener on 127.0.0.1 that never accepts: connections complete in the kernel's backlog
// and then hear nothing.
class SilentListener {
 public:
  SilentListener();
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;
  ~SilentListener();

  unsigned short port() const { return port_; }

 private:
  int fd_ = -1;
  unsigned short port_ = 0;
};

}  // namespace regen::ingest::testing
