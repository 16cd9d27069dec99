"""The scale reference of `cocostream bench`: a COCO file loaded the way pycocotools' COCO(...) loads it.

json.load of the whole file, then the index COCO.createIndex builds (annotations, images and
categories by id; annotations by image; images by category). Prints one line:
`seconds S peak_rss_mb M annotations A images I`. Plain Python, so it runs where pycocotools is not
installed; pycocotools spends its load time in exactly these two steps.
"""
import json
import os
import resource
import sys
import time
from collections import defaultdict


def main(path):
    start = time.monotonic()
    with open(path, encoding="utf-8") as f:
        dataset = json.load(f)
    anns, imgs, cats = {}, {}, {}
    img_to_anns, cat_to_imgs = defaultdict(list), defaultdict(list)
    for ann in dataset.get("annotations", []):
        img_to_anns[ann["image_id"]].append(ann)
        anns[ann["id"]] = ann
    for img in dataset.get("images", []):
        imgs[img["id"]] = img
    for cat in dataset.get("categories", []):
        cats[cat["id"]] = cat
    if "annotations" in dataset and "categories" in dataset:
        for ann in dataset["annotations"]:
            cat_to_imgs[ann["category_id"]].append(ann["image_id"])
    seconds = time.monotonic() - start
    # ru_maxrss is in kilobytes on Linux.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"seconds {seconds:.2f} peak_rss_mb {peak:.0f} annotations {len(anns)} images {len(imgs)}", flush=True)
    # Freeing millions of objects at exit takes seconds and is not part of loading.
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1])
