package dev.arbor.llama;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The shared libraries an ELF64 library names as its dependencies ({@code DT_NEEDED}), read from
 * its section headers, so that a backend that does not load can be explained dependency by
 * dependency (the dynamic loader only reports the first one it misses).
 */
final class ElfNeeded {
    private static final int SHT_DYNAMIC = 6;
    private static final long DT_NEEDED = 1;

    private ElfNeeded() {}

    /** The names in {@code file}'s DT_NEEDED entries; empty when it is not a readable little-endian ELF64 file. */
    static List<String> of(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer elf = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size())
                    .order(ByteOrder.LITTLE_ENDIAN);
            if (elf.getInt(0) != 0x464c457f || elf.get(4) != 2 || elf.get(5) != 1) {
                return List.of();
            }
            long sectionTable = elf.getLong(0x28);
            int entrySize = Short.toUnsignedInt(elf.getShort(0x3a));
            int count = Short.toUnsignedInt(elf.getShort(0x3c));
            for (int i = 0; i < count; i++) {
                int header = Math.toIntExact(sectionTable + (long) i * entrySize);
                if (elf.getInt(header + 4) == SHT_DYNAMIC) {
                    int strings = Math.toIntExact(sectionTable + (long) elf.getInt(header + 40) * entrySize);
                    return needed(elf, header, Math.toIntExact(elf.getLong(strings + 24)));
                }
            }
            return List.of();
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    private static List<String> needed(ByteBuffer elf, int dynamicHeader, int stringTable) {
        int offset = Math.toIntExact(elf.getLong(dynamicHeader + 24));
        long size = elf.getLong(dynamicHeader + 32);
        List<String> names = new ArrayList<>();
        for (int at = offset; at + 16 <= offset + size; at += 16) {
            long tag = elf.getLong(at);
            if (tag == 0) {
                break;
            }
            if (tag == DT_NEEDED) {
                names.add(cString(elf, stringTable + Math.toIntExact(elf.getLong(at + 8))));
            }
        }
        return names;
    }

    private static String cString(ByteBuffer elf, int start) {
        int end = start;
        while (elf.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - start];
        elf.get(start, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
