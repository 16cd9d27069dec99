"""The reference of `cocostream bench --eval`: pycocotools' COCOeval over a ground truth and a results file.

COCO(gt), loadRes(results), then evaluate, accumulate and summarize, timed together as one would
run them. Prints one line: `seconds S peak_rss_mb M stats [..]`. pycocotools is not a package here:
build it from the cocoapi sources and put its PythonAPI folder on PYTHONPATH; without it, exits 3.
"""
import contextlib
import io
import json
import os
import resource
import sys
import time


def main(gt, results, iou_type):
    try:
        from pycocotools.coco import COCO
        from pycocotools.cocoeval import COCOeval
    except ImportError as e:
        print(f"pycocotools not importable ({e}): put a cocoapi PythonAPI build on PYTHONPATH", flush=True)
        os._exit(3)
    start = time.monotonic()
    with contextlib.redirect_stdout(io.StringIO()):
        coco = COCO(gt)
        dets = coco.loadRes(results)
        e = COCOeval(coco, dets, iou_type)
        e.evaluate()
        e.accumulate()
        e.summarize()
    seconds = time.monotonic() - start
    # ru_maxrss is in kilobytes on Linux.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"seconds {seconds:.2f} peak_rss_mb {peak:.0f} stats {json.dumps([float(x) for x in e.stats])}", flush=True)
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
