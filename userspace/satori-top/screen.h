// screen.h: satori-top's interactive screen (ncurses).
#pragma once

#include <functional>
#include <string>

#include "model.h"

namespace satori {

// Fills a snapshot; false with a message on failure.
using Sampler = std::function<bool(Snapshot *, std::string *)>;

// Draws until the user quits (q) and returns the exit status: 0, or 9 if
// sampling failed (the message is printed after the screen is restored).
// Keys: q quit, p pause, < > previous/next sort column, r reverse, h help.
// Redraws on resize; on a terminal too small for the table it shows what
// fits (header first).
int RunScreen(const Sampler &sample, double delay_s, const std::string &sort,
              bool reverse);

} // namespace satori
