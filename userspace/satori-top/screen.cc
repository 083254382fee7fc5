// screen.cc: see screen.h.
#include "screen.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <vector>

#include <ncurses.h>

namespace satori {
namespace {

std::vector<std::string> SortKeys() {
  std::vector<std::string> keys = {"id", "name"};
  for (const Column &c : Columns())
    keys.push_back(c.key);
  return keys;
}

// The history of memory saved, one character per sample, scaled to max.
std::string Sparkline(const std::deque<double> &h, size_t width) {
  static const char kLevels[] = " _.-=+*#";
  double top = 0;
  for (double x : h)
    top = std::max(top, x);
  std::string s;
  size_t start = h.size() > width ? h.size() - width : 0;
  for (size_t i = start; i < h.size(); ++i)
    s += top > 0 ? kLevels[static_cast<int>(h[i] / top * 7)] : ' ';
  return s;
}

void Draw(const View &v, const std::deque<double> &history,
          const std::string &sort, bool reverse, bool paused, bool help) {
  erase();
  int rows, cols;
  getmaxyx(stdscr, rows, cols);
  std::string text = FormatText(v);
  // Host lines first, then the table (its header highlighted); what does
  // not fit the terminal is cut, never wrapped.
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    lines.push_back(text.substr(pos, nl - pos));
    pos = nl == std::string::npos ? text.size() : nl + 1;
  }
  // The table's header is the line after the host lines' blank one.
  size_t header = 0;
  while (header < lines.size() && !lines[header].empty())
    ++header;
  ++header;
  int y = 0;
  for (size_t i = 0; i < lines.size() && y < rows - 1; ++i, ++y) {
    if (i == header)
      attron(A_REVERSE);
    mvaddnstr(y, 0, lines[i].c_str(), cols);
    if (i == header) {
      for (int x = static_cast<int>(lines[i].size()); x < cols; ++x)
        mvaddch(y, x, ' ');
      attroff(A_REVERSE);
    }
    if (i == 1 && y + 1 < rows - 1) {
      ++y;
      std::string hist =
          "Saved history: " + Sparkline(history, std::max(cols - 16, 1));
      mvaddnstr(y, 0, hist.c_str(), cols);
    }
  }
  std::string status = "sort: " + sort + (reverse ? " (reversed)" : "") +
                       (paused ? "  PAUSED" : "") +
                       "   q quit  p pause  < > sort  r reverse  h help";
  attron(A_BOLD);
  mvaddnstr(rows - 1, 0, status.c_str(), cols);
  attroff(A_BOLD);
  if (help) {
    int hy = 2;
    mvaddnstr(hy++, 2, "satori-top columns:", cols - 2);
    for (const Column &c : Columns()) {
      if (hy >= rows - 1)
        break;
      std::string l = std::string(c.header) + "  " + c.key + ": " + c.help;
      mvaddnstr(hy++, 4, l.c_str(), cols - 4);
    }
  }
  refresh();
}

} // namespace

int RunScreen(const Sampler &sample, double delay_s, const std::string &sort,
              bool reverse) {
  std::vector<std::string> keys = SortKeys();
  size_t sort_at = std::find(keys.begin(), keys.end(), sort) - keys.begin();
  if (sort_at == keys.size())
    sort_at = 0;
  initscr();
  cbreak();
  noecho();
  keypad(stdscr, TRUE);
  curs_set(0);

  Snapshot prev, now;
  bool have_prev = false, paused = false, help = false;
  std::deque<double> history;
  std::string err;
  View view;
  auto next = std::chrono::steady_clock::now();
  int status = 0;
  for (;;) {
    if (!paused && std::chrono::steady_clock::now() >= next) {
      if (!sample(&now, &err)) {
        status = 9;
        break;
      }
      view = MakeView(now, have_prev ? &prev : nullptr);
      history.push_back(view.saved_bytes);
      if (history.size() > 512)
        history.pop_front();
      prev = now;
      have_prev = true;
      next = std::chrono::steady_clock::now() +
             std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                 std::chrono::duration<double>(delay_s));
    }
    SortRows(&view, keys[sort_at], reverse);
    Draw(view, history, keys[sort_at], reverse, paused, help);
    timeout(100);
    int ch = getch();
    if (ch == 'q' || ch == 'Q')
      break;
    if (ch == 'p' || ch == ' ')
      paused = !paused;
    else if (ch == 'r')
      reverse = !reverse;
    else if (ch == 'h' || ch == '?')
      help = !help;
    else if (ch == '>' || ch == KEY_RIGHT)
      sort_at = (sort_at + 1) % keys.size();
    else if (ch == '<' || ch == KEY_LEFT)
      sort_at = (sort_at + keys.size() - 1) % keys.size();
    // KEY_RESIZE needs nothing: the next Draw reads the new size.
  }
  endwin();
  if (status)
    std::fprintf(stderr, "satori-top: %s\n", err.c_str());
  return status;
}

} // namespace satori
