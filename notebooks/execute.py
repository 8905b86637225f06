"""Re-runs notebooks with the .venv kernel and stores their outputs in place.

    .venv/bin/python notebooks/execute.py notebooks/01_tensors.ipynb
    make notebooks-execute                 # all of them

``make test`` re-runs every notebook with nbval and compares each output with
the stored one, so after editing a notebook, store fresh outputs with this
script. Outputs must be deterministic: seed random numbers, and print no
timings or memory addresses. Cell ids are renumbered so diffs stay small.
"""

import sys

import nbformat
from jupyter_client.manager import start_new_kernel


def run_cell(client, code):
    """Executes ``code``; returns its outputs and execution count, or raises."""
    msg_id = client.execute(code)
    outputs, count = [], None
    while True:
        msg = client.get_iopub_msg(timeout=120)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            last = outputs[-1] if outputs else None
            if last and last.output_type == "stream" and last.name == content["name"]:
                last.text += content["text"]          # one output per stream, as Jupyter saves
            else:
                outputs.append(nbformat.v4.new_output(
                    "stream", name=content["name"], text=content["text"]))
        elif kind in ("execute_result", "display_data"):
            outputs.append(nbformat.v4.new_output(
                kind, data=content["data"], metadata=content.get("metadata", {}),
                **({"execution_count": content["execution_count"]}
                   if kind == "execute_result" else {})))
        elif kind == "execute_input":
            count = content["execution_count"]
        elif kind == "error":
            raise RuntimeError("a cell failed:\n%s\n\n%s" % (
                code, "\n".join(content["traceback"])))
        elif kind == "status" and content["execution_state"] == "idle":
            return outputs, count


def execute(path):
    notebook = nbformat.read(path, as_version=4)
    manager, client = start_new_kernel(kernel_name="python3")
    try:
        for index, cell in enumerate(notebook.cells):
            cell["id"] = "cell-%02d" % index
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = run_cell(client, cell.source)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    nbformat.validate(notebook)
    nbformat.write(notebook, path)
    print("executed", path)


if __name__ == "__main__":
    for name in sys.argv[1:]:
        execute(name)
