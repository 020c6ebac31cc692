package dev.arbor.grammar;

import java.util.ArrayList;
import java.util.List;

/**
 * The grammar of a comma-separated list whose items come in a fixed order, some required, some
 * optional, the last kind possibly repeated (an object's declared properties followed by its extra
 * ones). Whatever is present, the text has a separator between two items and nowhere else: the
 * list is "the first present item, then every later item with a separator before it", one
 * alternative per possible first item (up to and including the first required one). Each
 * alternative is unambiguous. Stateless.
 */
final class SeparatedList {
    /** How often a slot's item appears. */
    enum Kind { REQUIRED, OPTIONAL, REPEATED }

    /** One position of the list; {@code maxCount} bounds a REPEATED slot ({@code -1}: none). */
    record Slot(Expr item, Kind kind, int maxCount) {
        static Slot required(Expr item) {
            return new Slot(item, Kind.REQUIRED, 1);
        }

        static Slot optional(Expr item) {
            return new Slot(item, Kind.OPTIONAL, 1);
        }

        static Slot repeated(Expr item, int maxCount) {
            return new Slot(item, Kind.REPEATED, maxCount);
        }
    }

    private SeparatedList() {
    }

    /**
     * The list's grammar, with {@code trailer} after the last item (the space before a closing
     * bracket). It matches the empty list too, trailer and all left out, exactly when no slot is
     * required.
     */
    static Expr of(List<Slot> slots, Expr separator, Expr trailer) {
        List<Expr> alternatives = new ArrayList<>();
        boolean sawRequired = false;
        for (int first = 0; first < slots.size() && !sawRequired; first++) {
            Slot slot = slots.get(first);
            if (slot.kind == Kind.REPEATED && slot.maxCount == 0) {
                continue;
            }
            alternatives.add(Expr.seq(leading(slot, separator), rest(slots, first + 1, separator), trailer));
            sawRequired = slot.kind == Kind.REQUIRED;
        }
        if (!sawRequired) {
            alternatives.add(Expr.EMPTY);
        }
        return Expr.alt(alternatives);
    }

    /** A slot's items when it holds the first item of the list. */
    private static Expr leading(Slot slot, Expr separator) {
        if (slot.kind != Kind.REPEATED) {
            return slot.item;
        }
        int more = slot.maxCount < 0 ? -1 : slot.maxCount - 1;
        return Expr.seq(slot.item, Expr.seq(separator, slot.item).repeat(0, more));
    }

    /** The slots from {@code from} on, each item after a separator. */
    private static Expr rest(List<Slot> slots, int from, Expr separator) {
        List<Expr> parts = new ArrayList<>();
        for (Slot slot : slots.subList(from, slots.size())) {
            Expr item = Expr.seq(separator, slot.item);
            parts.add(switch (slot.kind) {
                case REQUIRED -> item;
                case OPTIONAL -> item.optional();
                case REPEATED -> item.repeat(0, slot.maxCount);
            });
        }
        return Expr.seq(parts);
    }
}
