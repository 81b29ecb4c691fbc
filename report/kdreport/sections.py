"""One section per grid, in table order, each from its grid's renderer."""

from .document import H, P
from .tables import (
    claims_blocks, effects_blocks, own_grid_blocks, rows_table_blocks, schedule_steps_blocks,
    setup_blocks, table7_blocks, table9_blocks)
from .transfer import transfer_blocks


def table_sections(grids, runs, index, paper, plot_dir):
    blocks = []
    for grid in sorted(grids.values(), key=lambda g: (table_number(g["table"]), g["id"])):
        num = grid["table"]
        if num == "transfer":
            blocks += transfer_blocks(grid, runs, index, plot_dir)
            continue
        if table_number(num)[0] == 10 ** 6:  # not a paper table
            blocks += own_grid_blocks(grid, runs, index)
            continue
        blocks.append(H(2, f"Table {num}: {grid.get('title', '')}", f"table{num}"))
        if grid.get("description"):
            blocks.append(P(grid["description"]))
        blocks += setup_blocks(grid, runs)
        blocks.append(H(3, "Paper and reproduced"))
        if num == "7":
            blocks += table7_blocks(grid, runs, paper)
            continue
        if num == "9":
            blocks += table9_blocks(grid, runs, index, paper)
            continue
        blocks += rows_table_blocks(num, grid, runs, index, paper)
        note = (paper["tables"].get(num) or {})
        if not note.get("rows"):
            blocks.append(P(f"Paper's Table {num}: not available "
                            f"({note.get('note') or 'not in the paper text we have'})."))
        elif note.get("note"):
            blocks.append(P(f"Paper note: {note['note']}."))
        if note.get("text"):
            blocks.append(P(f"Paper text: \"{note['text']}\"."))
        blocks += claims_blocks(num, paper)
        if num == "12":
            blocks += schedule_steps_blocks(grid, runs)
        blocks += effects_blocks(num, grid, runs, index, paper)
    missing = sorted({str(n) for n in range(5, 13)} - {g["table"] for g in grids.values()},
                     key=table_number)
    if missing:
        blocks += [H(2, "Tables not in this run", "missing-tables"),
                   P("The manifest has no grid for Table(s) " + ", ".join(missing) + ".")]
    return blocks


def table_number(t):
    try:
        return (int(t), "")
    except ValueError:
        return (10 ** 6, t)
