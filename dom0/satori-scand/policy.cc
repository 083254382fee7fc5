// policy.cc: see policy.h.
#include "policy.h"

#include <algorithm>
#include <limits>

namespace satori {

uint64_t HoleLimit(uint64_t max_pages) {
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  return max_pages > kMax - kHoleSlack ? kMax : max_pages + kHoleSlack;
}

PassPlan::Cursor *PassPlan::Find(uint16_t domid) {
  for (Cursor &c : cursors_)
    if (c.m.domid == domid)
      return &c;
  return nullptr;
}

void PassPlan::Update(const std::vector<Member> &members) {
  // Whose turn it is survives the update: that domain, or else the next
  // one in domid order.
  bool had_turn = turn_ < cursors_.size();
  uint16_t turn_domid = had_turn ? cursors_[turn_].m.domid : 0;
  std::vector<Cursor> next;
  next.reserve(members.size());
  for (const Member &m : members) {
    const Cursor *old = Find(m.domid);
    Cursor c = old ? *old : Cursor{};
    c.m = m;
    next.push_back(c);
  }
  std::sort(next.begin(), next.end(), [](const Cursor &a, const Cursor &b) {
    return a.m.domid < b.m.domid;
  });
  next.erase(std::unique(next.begin(), next.end(),
                         [](const Cursor &a, const Cursor &b) {
                           return a.m.domid == b.m.domid;
                         }),
             next.end());
  cursors_ = std::move(next);
  size_t at = 0;
  while (at < cursors_.size() && cursors_[at].m.domid < turn_domid)
    ++at;
  if (!had_turn || at == cursors_.size() ||
      cursors_[at].m.domid != turn_domid) {
    turn_left_ = kTurnCost; // a new turn, for another domain
    if (at == cursors_.size())
      at = 0;
  }
  turn_ = at;
}

void PassPlan::EndTurn() {
  turn_ = cursors_.empty() ? 0 : (turn_ + 1) % cursors_.size();
  turn_left_ = kTurnCost;
}

std::optional<Batch> PassPlan::Next(uint64_t budget) {
  for (size_t tried = 0; tried < cursors_.size(); ++tried) {
    Cursor &c = cursors_[turn_];
    if (c.at.done || c.m.paused) {
      EndTurn();
      continue;
    }
    uint64_t pages = std::min(budget, turn_left_) / kPageCost;
    unsigned n =
        c.in_hole
            ? kMaxBatch
            : static_cast<unsigned>(std::clamp<uint64_t>(pages, 1, kMaxBatch));
    return Batch{c.m.domid, c.at.next, n};
  }
  return std::nullopt;
}

PassPlan::Outcome PassPlan::Report(const Batch &b, uint64_t next,
                                   unsigned mapped) {
  uint64_t visited = next > b.first ? next - b.first : b.n;
  uint64_t holes = visited - std::min<uint64_t>(visited, mapped);
  Outcome out;
  out.cost = mapped * kPageCost + holes * kHoleCost;
  Cursor *c = Find(b.domid);
  if (!c)
    return out; // dropped meanwhile
  c->at.holes += holes;
  c->at.next = next;
  c->in_hole = !mapped;
  if (!next) {
    c->at.done = true;
  } else if (c->at.holes >= c->m.hole_limit) {
    c->at.done = true;
    out.cut = true;
  }
  turn_left_ -= std::min(turn_left_, out.cost);
  bool its_turn = turn_ < cursors_.size() && &cursors_[turn_] == c;
  if (its_turn && (c->at.done || !turn_left_))
    EndTurn();
  return out;
}

bool PassPlan::Over() const {
  return std::none_of(cursors_.begin(), cursors_.end(), [](const Cursor &c) {
    return !c.at.done && !c.m.paused;
  });
}

void PassPlan::Restart() {
  for (Cursor &c : cursors_) {
    c.at = Place{};
    c.in_hole = false;
  }
  turn_ = 0;
  turn_left_ = kTurnCost;
}

std::optional<PassPlan::Place> PassPlan::PlaceOf(uint16_t domid) const {
  for (const Cursor &c : cursors_)
    if (c.m.domid == domid)
      return c.at;
  return std::nullopt;
}

RecordCap::Verdict RecordCap::Admit(uint16_t domid, uint64_t records) {
  if (records < limit_)
    return Verdict::kAdmit;
  return told_.insert(domid).second ? Verdict::kRefuseFirst : Verdict::kRefuse;
}

Change Membership::Observe(uint16_t domid, Seen seen) {
  if (seen == Seen::kGone) {
    auto it = entries_.find(domid);
    if (it == entries_.end())
      return Change::kNone;
    bool member = it->second.state != State::kOut;
    entries_.erase(it);
    return member ? Change::kDrop : Change::kNone;
  }
  Entry &e = entries_[domid];
  bool scannable = seen == Seen::kScannable;
  switch (e.state) {
  case State::kOut:
    if (!scannable) {
      e.streak = 0;
      return Change::kNone;
    }
    if (e.was_in && ++e.streak < settle_)
      return Change::kNone;
    e = Entry{State::kIn, 0, true};
    return Change::kJoin;
  case State::kIn:
    if (scannable)
      return Change::kNone;
    if (settle_ <= 1) {
      e = Entry{State::kOut, 0, true};
      return Change::kLeave;
    }
    e.state = State::kPaused;
    e.streak = 1;
    return Change::kPause;
  case State::kPaused:
    if (scannable) {
      e.state = State::kIn;
      e.streak = 0;
      return Change::kResume;
    }
    if (++e.streak < settle_)
      return Change::kNone;
    e = Entry{State::kOut, 0, true};
    return Change::kLeave;
  }
  return Change::kNone;
}

std::vector<uint16_t> Membership::In(State s) const {
  std::vector<uint16_t> out;
  for (const auto &[domid, e] : entries_)
    if (e.state == s)
      out.push_back(domid);
  return out;
}

std::vector<uint16_t> Membership::Scanned() const { return In(State::kIn); }

std::vector<uint16_t> Membership::Paused() const { return In(State::kPaused); }

std::vector<uint16_t> Membership::Known() const {
  std::vector<uint16_t> out;
  for (const auto &[domid, e] : entries_)
    out.push_back(domid);
  return out;
}

} // namespace satori
