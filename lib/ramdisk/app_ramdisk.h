// Ramdisk #1, the application: the flattened image under rootfs/, the directories the init
// mounts on, and the init's cmd and env files. Its bytes depend only on the final filesystem
// and the command: the canonical order is
//   rootfs, then its tree depth-first with each directory before its contents and siblings
//   sorted by name bytewise (rootfs/dev, proc, run, sys, tmp, var are added, 0755, when the
//   image lacks them), then cmd, then env, then user and workdir when the image sets USER or
//   WORKDIR (all 0644; eifkit's init reads the last two, others ignore them), then the trailer;
// inode numbers count up from 721 in that order, a hard-link group taking the number of its
// first name, with its data on its last name. Every synthesised entry has mtime 0.
#pragma once

#include "lib/base/byte_sink.h"
#include "lib/eif/eif_writer.h"
#include "lib/image/flatten.h"
#include "lib/ramdisk/enclave_command.h"

namespace eifkit {

// Adds the mount-point directories the init needs when the image lacks them.
void add_required_dirs(FsNode& root);

void write_app_ramdisk(ByteSink& out, FlattenedImage& image, const EnclaveCommand& command);

// Close to the bytes write_app_ramdisk writes (each entry's header, name and data), for
// progress: known before the ramdisk is written.
uint64_t app_ramdisk_size_estimate(const FlattenedImage& image);

// `image` must outlive the producer.
SectionProducer app_ramdisk_section(FlattenedImage& image, EnclaveCommand command);

}  // namespace eifkit
