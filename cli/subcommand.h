// How each cli/*_command.cpp plugs into main: it adds its CLI11 subcommand and returns the
// function that runs it once parsing succeeded. The run function returns the exit status.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

namespace eifkit::cli {

struct Subcommand {
  CLI::App* app;
  std::function<int()> run;
};

Subcommand add_build_command(CLI::App& parent);
Subcommand add_describe_command(CLI::App& parent);
Subcommand add_pcr_command(CLI::App& parent);
Subcommand add_keygen_command(CLI::App& parent);
Subcommand add_sign_command(CLI::App& parent);
Subcommand add_verify_command(CLI::App& parent);
Subcommand add_extract_command(CLI::App& parent);
Subcommand add_run_command(CLI::App& parent);
Subcommand add_policy_command(CLI::App& parent);
// provenance, and its old spelling attest.
std::vector<Subcommand> add_provenance_command(CLI::App& parent);
Subcommand add_attestation_command(CLI::App& parent);
Subcommand add_diff_command(CLI::App& parent);
Subcommand add_ls_command(CLI::App& parent);
// nitro-cli's spellings: build-enclave, describe-eif, sign-eif.
std::vector<Subcommand> add_nitro_cli_commands(CLI::App& parent);

enum class ProgressMode;
// `eifkit describe EIF`; `program` names the command in progress lines.
int run_describe(const std::string& path, ProgressMode progress, const std::string& program);

// JSON on stdout, pretty-printed with two spaces and sorted keys, as nitro-cli prints it.
void print_json(const nlohmann::json& j);

}  // namespace eifkit::cli
