#include "hub/user_cli.hpp"

#include <pwd.h>
#include <termios.h>
#include <unistd.h>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <iostream>
#include <map>

#include "hub/auth.hpp"
#include "hub/store.hpp"

namespace ledsager::hub {
namespace {

// The code points of `s`, or false when it is not UTF-8 (overlong, surrogates, past U+10FFFF).
bool decode_utf8(const std::string& s, std::vector<char32_t>& out) {
    out.clear();
    for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        const int n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
        if (n == 0 || i + n > s.size()) return false;
        char32_t c = n == 1 ? b : b & (0x7F >> n);
        for (int k = 1; k < n; ++k) {
            const auto cont = static_cast<unsigned char>(s[i + k]);
            if ((cont & 0xC0) != 0x80) return false;
            c = (c << 6) | (cont & 0x3F);
        }
        static constexpr char32_t kLeast[] = {0, 0, 0x80, 0x800, 0x10000};
        if (c < kLeast[n] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return false;
        out.push_back(c);
        i += static_cast<std::size_t>(n);
    }
    return true;
}

// Control, direction and invisible characters: what makes a line on a screen or in a log
// read other than it is. Zero-width (non-)joiners stay: Persian and Indic names need them.
bool is_control(char32_t c) {
    return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0xAD || c == 0x61C || c == 0x180E || c == 0x200B ||
           c == 0x200E || c == 0x200F || (c >= 0x2028 && c <= 0x202E) || (c >= 0x2060 && c <= 0x206F) || c == 0xFEFF ||
           (c >= 0xFFF9 && c <= 0xFFFB) || (c >= 0xE0000 && c <= 0xE007F);
}

// Characters that look like nothing (spaces and fillers): a name of only these is blank.
bool is_blank(char32_t c) {
    return c == ' ' || c == 0xA0 || (c >= 0x2000 && c <= 0x200A) || c == 0x200C || c == 0x200D || c == 0x202F ||
           c == 0x205F || c == 0x3000 || c == 0x115F || c == 0x1160 || c == 0x3164 || c == 0xFFA0;
}

// ASCII and Latin-1 letters folded to lower case: names that differ only so are one person.
std::string folded(const std::string& name) {
    std::vector<char32_t> cps;
    if (!decode_utf8(name, cps)) return name;
    std::string out;
    for (char32_t c : cps) {
        if ((c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7)) c += 0x20;
        if (c < 0x80) {
            out += static_cast<char>(c);
        } else if (c < 0x800) {
            out += static_cast<char>(0xC0 | (c >> 6));
            out += static_cast<char>(0x80 | (c & 0x3F));
        } else {  // not folded: compared as it is
            out += "\\u" + std::to_string(static_cast<unsigned long>(c)) + ";";
        }
    }
    return out;
}

// Who ran the command, for the audit log: the administrator behind sudo (only when running
// as root through sudo, and only a plausible name), else the account.
std::string actor() {
    if (const char* sudo = std::getenv("SUDO_USER");
        sudo && ::getuid() == 0 && std::strlen(sudo) <= 32 && username_problem(sudo).empty())
        return std::string(sudo) + " through sudo";
    if (const passwd* pw = ::getpwuid(::getuid())) return printable(std::string(pw->pw_name).substr(0, 32));
    return "uid " + std::to_string(::getuid());
}

// One line from `in`; on a terminal without echo, after `prompt` on standard error.
std::string read_line(std::istream& in, bool tty, const char* prompt) {
    termios old{};
    const bool quiet = tty && ::tcgetattr(STDIN_FILENO, &old) == 0;
    if (tty) std::fprintf(stderr, "%s", prompt);
    if (quiet) {
        termios silent = old;
        silent.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent);
    }
    std::string line;
    std::getline(in, line);
    if (quiet) {
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        std::fprintf(stderr, "\n");
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();  // typed on Windows, pasted
    return line;
}

// The new password, checked (and typed twice on a terminal); empty with a message when refused.
std::string new_password(std::istream& in) {
    const bool tty = &in == &std::cin && ::isatty(STDIN_FILENO);
    const std::string password = read_line(in, tty, "New password: ");
    if (const auto why = password_problem(password); !why.empty()) {
        std::fprintf(stderr, "ledsager-hub: the password: %s\n", why.c_str());
        return "";
    }
    if (tty && read_line(in, tty, "The same again: ") != password) {
        std::fprintf(stderr, "ledsager-hub: the two passwords differ; nothing changed\n");
        return "";
    }
    return password;
}

int refuse(const std::string& message) {
    std::fprintf(stderr, "ledsager-hub: %s\n", message.c_str());
    return 2;
}

}  // namespace

std::string display_name_problem(const std::string& name, std::size_t max_bytes) {
    std::vector<char32_t> cps;
    if (name.empty() || name.size() > max_bytes) return "1 to " + std::to_string(max_bytes) + " bytes";
    if (!decode_utf8(name, cps)) return "not UTF-8";
    for (char32_t c : cps)
        if (is_control(c)) return "a control, direction or invisible character";
    if (std::all_of(cps.begin(), cps.end(), is_blank)) return "blank";
    return "";
}

std::string languages_problem(const std::string& list) {
    if (list.empty()) return "";
    std::size_t start = 0;
    while (start <= list.size()) {
        const auto end = std::min(list.find(',', start), list.size());
        const std::string code = list.substr(start, end - start);
        if (code.size() < 2 || code.size() > 3 ||
            !std::all_of(code.begin(), code.end(), [](char c) { return c >= 'a' && c <= 'z'; }))
            return "'" + printable(code) + "' is no language code (da, en, ar, …; comma between them)";
        start = end + 1;
    }
    return "";
}

std::string username_problem(const std::string& name) {
    std::vector<char32_t> cps;
    if (name.empty() || name.size() > 64) return "1 to 64 bytes";
    if (!decode_utf8(name, cps)) return "not UTF-8";
    for (char32_t c : cps) {
        const bool ascii_ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                              c == '_' || c == '-' || c == '@';
        const bool latin_letter = c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7;  // æ, ø, å, é, …
        if (!ascii_ok && !latin_letter) return "letters, digits and . _ - @ only";
    }
    return "";
}

std::string password_problem(const std::string& password) {
    std::vector<char32_t> cps;
    if (password.size() > 256) return "at most 256 bytes (the login form sends no more)";
    if (!decode_utf8(password, cps)) return "not UTF-8 (set the terminal to UTF-8)";
    for (char32_t c : cps)
        if (is_control(c)) return "a control character (a tab or an escape?) cannot be typed at the login";
    if (cps.size() < 10) return "at least 10 characters";
    return "";
}

std::string printable(const std::string& text) {
    std::string out;
    std::vector<char32_t> one;
    for (std::size_t i = 0; i < text.size();) {
        const auto b = static_cast<unsigned char>(text[i]);
        const std::size_t n = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 1;
        const std::string piece = text.substr(i, n);
        if (decode_utf8(piece, one) && one.size() == 1 && !is_control(one[0])) {
            out += piece;
            i += n;
        } else {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02X", b);
            out += hex;
            ++i;
        }
    }
    return out;
}

int user_command(const std::string& verb, const std::string& data, const UserArgs& args, std::istream& in) {
    if (verb == "add") {
        if (const auto why = username_problem(args.username); !why.empty()) return refuse("--username: " + why);
        if (const auto why = display_name_problem(args.display_name); !why.empty()) return refuse("--name: " + why);
        if (const auto why = languages_problem(args.languages); !why.empty()) return refuse("--languages: " + why);
    }
    Store store(data);
    const auto now = static_cast<Seconds>(std::time(nullptr));
    const std::string by = " (by " + actor() + " on the command line)";
    if (verb == "list") {
        std::map<std::int64_t, std::string> slugs;
        for (const auto& site : store.sites())
            slugs[site.id] = site.slug;
        for (const auto& u : store.users()) {
            std::string sites;
            for (auto id : u.sites)
                sites += (sites.empty() ? "" : ",") + slugs[id];
            std::printf("%-20s %-10s %-9s %-20s %s\n", printable(u.username).c_str(), u.role.c_str(),
                        u.disabled ? "disabled" : "active", printable(sites).c_str(),
                        printable(u.display_name).c_str());
        }
        return 0;
    }
    if (verb == "add") {
        User u;
        u.username = args.username;
        u.display_name = args.display_name;
        u.role = args.role;
        u.languages = args.languages;
        for (const auto& slug : args.sites) {
            auto s = store.site_by_slug(slug);
            if (!s) return refuse("--site: no site '" + printable(slug) + "'");
            u.sites.push_back(s->id);
        }
        for (const auto& other : store.users())
            if (folded(other.username) == folded(args.username))
                return refuse("--username: '" + printable(other.username) + "' exists already");
        const std::string password = new_password(in);
        if (password.empty()) return 2;
        u.password_hash = hash_password(password);
        store.add_user(u);
        store.audit(0, "user_added", args.username + by, now);
        std::printf("user %s added\n", args.username.c_str());
        return 0;
    }
    const auto u = store.user_by_name(args.username);
    if (!u) return refuse("--username: no account '" + printable(args.username) + "' (see: ledsager-hub user list)");
    const std::string name = printable(u->username);
    if (verb == "password") {
        const std::string password = new_password(in);
        if (password.empty()) return 2;
        const int ended = store.set_password(u->id, hash_password(password));
        store.audit(0, "password_set", u->username + by, now);
        std::printf("password of %s changed; %d session(s) ended\n", name.c_str(), ended);
        return 0;
    }
    const bool disable = verb == "disable";
    const bool already = u->disabled == disable;
    const int ended = store.set_user_disabled(u->id, disable);
    if (!already) store.audit(0, disable ? "user_disabled" : "user_enabled", u->username + by, now);
    if (disable)
        std::printf(
            "%s %s: cannot log in; %d session(s) ended, open consoles close within 15 s, "
            "calls and requests it held go back within 5 s\n",
            name.c_str(), already ? "was disabled already" : "disabled", ended);
    else
        std::printf("%s %s: can log in\n", name.c_str(), already ? "was active already" : "enabled");
    return 0;
}

}  // namespace ledsager::hub
