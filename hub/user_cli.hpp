// ledsager-hub user add|list|disable|enable|password: staff accounts, for IT on the hub's
// machine. What is typed is checked before it reaches the database: names a login can use
// and a terminal can show, passwords the login form can send.
#pragma once
#include <istream>
#include <string>
#include <vector>

namespace ledsager::hub {

struct UserArgs {
    std::string username, display_name, role, languages;
    std::vector<std::string> sites;  // slugs (user add)
};

// Runs `verb` (add, list, disable, enable, password) on the data folder `data`; a password is
// read from `in` (asked twice, without echo, when it is a terminal). Returns the exit status:
// 0 done, 2 refused (the message names the option or what is wrong).
int user_command(const std::string& verb, const std::string& data, const UserArgs& args, std::istream& in);

// Empty when `name` can be a user name (1 to 64 bytes of UTF-8: letters, digits and . _ - @,
// nothing a terminal or a log would take for something else); else what is wrong.
std::string username_problem(const std::string& name);
// Empty when `password` can be an account's: 10 to 256 bytes of UTF-8 (the login form sends
// at most 256), at least 10 characters, no control characters; else what is wrong.
std::string password_problem(const std::string& password);
// Empty when `name` can be a person's or a site's full name: 1 to `max_bytes` bytes of UTF-8,
// not blank, no control, direction or invisible characters; else what is wrong.
std::string display_name_problem(const std::string& name, std::size_t max_bytes = 100);
// Empty when `list` is empty or language codes with commas between (da,en,ar).
std::string languages_problem(const std::string& list);
// `text` as a terminal may show it: control characters and broken UTF-8 as \xNN.
std::string printable(const std::string& text);

}  // namespace ledsager::hub
