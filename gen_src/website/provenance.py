"""The line under every trained figure: how it was made, in two languages.

It is built from the figure's record.json (written by gen_src.pipeline):
dataset and size, profile, epochs or iterations, device, training seconds,
seed, torch version, date, and the run's key metrics.
"""

from __future__ import annotations

LABELS = {
    "en": {
        "profile": "{} profile", "epochs": "{} epochs", "epoch": "1 epoch",
        "steps": "{} iterations", "seconds": "{:.1f} s", "seed": "seed {}",
        "images": "{} training images", "toy": "2-D toy data ({})",
        "ring": "ring of 8 Gaussians", "grid": "grid of 25 Gaussians",
        "made": "Made by training",
    },
    "zh": {
        "profile": "{} 配置", "epochs": "{} 轮", "epoch": "1 轮",
        "steps": "{} 次迭代", "seconds": "{:.1f} 秒", "seed": "随机种子 {}",
        "images": "{} 张训练图像", "toy": "二维玩具数据（{}）",
        "ring": "8 个高斯分布组成的圆环", "grid": "25 个高斯分布组成的网格",
        "made": "由真实训练生成",
    },
}
# metric name -> (English label, Chinese label, format)
METRICS = {
    "modes": ("modes", "模式", "{:.0f}/{num_modes:.0f}"),
    "high_quality": ("high-quality", "高质量样本", "{:.0%}"),
    "reverse_kl": ("reverse KL", "反向 KL", "{:.2f}"),
    "test_nelbo": ("test −ELBO", "测试集负 ELBO", "{:.1f} nats"),
    "test_recon": ("test reconstruction", "测试集重建误差", "{:.2f}"),
    "class_accuracy": ("class accuracy", "类别准确率", "{:.1%}"),
    "test_accuracy": ("test accuracy", "测试准确率", "{:.1%}"),
    "frechet": ("Fréchet distance", "Fréchet 距离", "{:.2f}"),
    "frechet_floor": ("real-vs-real floor", "真实数据下限", "{:.2f}"),
    "frechet_samples": ("Fréchet samples", "Fréchet 样本数", "{:,.0f}"),
}
FULL_TRAIN_SIZE = 60_000


def _number(n: int, lang: str) -> str:
    return f"{n:,}" if lang == "en" else str(n)


def describe_run(record: dict, lang: str) -> str:
    t = LABELS[lang]
    config = record.get("config", {})
    parts = []
    dataset = config.get("dataset", "fashion-mnist")
    if dataset in ("ring", "grid"):
        parts.append(t["toy"].format(t[dataset]))
    else:
        size = config.get("train_size") or FULL_TRAIN_SIZE
        name = "Fashion-MNIST" if dataset == "fashion-mnist" else dataset
        parts.append(f"{name}, " + t["images"].format(_number(size, lang)))
    parts.append(t["profile"].format(f"<code>{record['profile']}</code>"))
    if dataset in ("ring", "grid") and "num_steps" in config:
        parts.append(t["steps"].format(_number(config["num_steps"], lang)))
    elif "num_epochs" in config:
        n = config["num_epochs"]
        parts.append(t["epoch"] if n == 1 else t["epochs"].format(n))
    parts.append(record.get("device", "?"))
    parts.append(t["seconds"].format(record.get("seconds", 0.0)))
    parts.append(t["seed"].format(config.get("seed", "?")))
    parts.append(f"torch {record.get('torch', '?')}")
    parts.append(record.get("date", "?"))
    parts += metric_texts(record.get("metrics", {}), lang)
    return " · ".join(parts)


def metric_texts(metrics: dict, lang: str) -> list[str]:
    texts = []
    for name, (en, zh, fmt) in METRICS.items():
        if name not in metrics:
            continue
        value = fmt.format(metrics[name], **metrics)
        texts.append(f"{en if lang == 'en' else zh} {value}")
    return texts


def provenance_html(record: dict, lang: str) -> str:
    runs = record.get("runs", [])
    lines = [describe_run(run, lang) for run in runs]
    if len(runs) > 1:
        lines = [f"<code>{run['run']}</code>: {line}"
                 for run, line in zip(runs, lines)]
    return "<br>".join(lines)
