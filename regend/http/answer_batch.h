#pragma once
// Answers handed over together. While an AnswerBatch lives on a thread, the answers that thread
// sends (Responder::send) to requests of the HTTP server are held, and when it ends each io
// thread receives its share in one hand-off: one wake-up per io thread instead of one per
// answer. The group-commit writer completes all the requests of a commit inside one; without
// it, each answer woke an io thread that preempted the writer (they share cores), sent one
// response and slept again.
//
// Thread-safety: per thread; an AnswerBatch opened while another is open on the same thread
// joins it. Answers sent on an io thread are not held (they are delivered at once anyway).
// Asio-free: cheap to include.

namespace regen::http {

class AnswerBatch {
 public:
  AnswerBatch();
  ~AnswerBatch();  // hands the held answers over
  AnswerBatch(const AnswerBatch&) = delete;
  AnswerBatch& operator=(const AnswerBatch&) = delete;

 private:
  bool outermost_;
};

}  // namespace regen::http
