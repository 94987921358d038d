# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 动手实践：条件变分自编码器
#
# 本笔记本配合[条件变分自编码器](../../cvae/)一页使用。你将看到类别标签从哪里进入两个网络，让训练好的模型生成指定类别的图像，把风格和内容分开，并请一个独立的分类器来测量：模型有多大比例画出了要求的类别。
#
# 请从上到下依次运行各单元格。第一个单元格会在缺少本课程的 `gen_src` 包时（例如在 Colab 上）安装它。训练规模随机器而定：在 CPU 上用 `quick` 配置（每个模型不到一分钟），在 GPU 上用 `full` 配置。

# %%
import matplotlib.pyplot as plt
import torch
from torch import nn
from torch.nn import functional as F

from gen_src import classifier, cvae, data, pipeline, vae
from gen_src.cvae import NUM_CLASSES, CVAEConfig
from gen_src.plots import common

settings = pipeline.Settings.resolve()
print(f"profile: {settings.profile}, device: {settings.device}")

# %% [markdown]
# ## 标签从哪里进入网络
#
# 标签 $c \in \{0, \dots, 9\}$ 先变成独热向量 $y \in \{0, 1\}^{10}$，再拼接到两个网络的输入上：编码器 $q_\phi(z \mid x, y)$ 读入 $[\,x;\, y\,]$，共 784 + 10 个数；解码器 $p_\theta(x \mid z, y)$ 读入 $[\,z;\, y\,]$。其余部分，包括编码器输出的 $\mu$ 和 $\log\sigma^2$、重参数化技巧和损失，都与 VAE 完全相同。要生成某一类的图像，只需抽取 $z \sim \mathcal{N}(0, I)$，配上这一类的 $y$ 解码，用不到编码器。下面的单元格就是 `gen_src/cvae.py` 本身的代码，与页面上展示的一字不差。

# %%
# --8<-- "gen_src/cvae.py:model"
# --8<-- "gen_src/cvae.py:sample"

# %% [markdown]
# `pipeline.trained("cvae")` 返回页面上各图背后的训练结果，按上面的配置训练。记录中给出了训练设置（注意 $\beta = 5$，原因见页面）和测试集上的得分，单位为奈特每张图。从各层的尺寸能看出多出来的 10 个输入：编码器的输入是 794 个数，解码器的是潜在维数加 10。

# %%
run, record = pipeline.trained("cvae")
model = run.models["cvae"]
cfg = record["config"]
print(f"latent_dim {cfg['latent_dim']}, beta {cfg['beta']}, "
      f"num_epochs {cfg['num_epochs']}, trained in "
      f"{record['seconds']:.0f} s on {record['device']}")
for key, value in record["metrics"].items():
    print(f"{key:>16}: {value:.4f}")
print(model)

# %% [markdown]
# 在全连接层之前拼接一个独热向量，等价于给这一层的激活前输入按类别加上一个可学习的向量：把权重拆成 $W = [\,W_z \;\; W_y\,]$，就有 $W [\,z;\, y\,] + b = W_z z + b + W_y[:, c]$。在训练好的解码器的第一层上验证一下。

# %%
first = model.decoder[0]  # Linear(latent_dim + 10 -> hidden)
k = model.latent_dim
y = torch.tensor([0, 7, 9])  # T-shirt/top, Sneaker, Ankle boot
onehot = F.one_hot(y, NUM_CLASSES).float()
z = torch.randn(len(y), k, generator=torch.Generator().manual_seed(0))
with torch.no_grad():
    concatenated = first(torch.cat([z, onehot], 1))
    per_class = z @ first.weight[:, :k].T + first.bias \
        + first.weight[:, k:].T[y]  # W_z z + b + column c of W_y
print(onehot)
print(f"largest difference: {(concatenated - per_class).abs().max():.2e}")

# %% [markdown]
# ## 按类别采样
#
# 页面上的程序让训练好的模型为类别 `label` 生成 `count` 张新图像。它需要类别名称、要生成的类别和数量，以及模型：

# %%
classes = data.FASHION_CLASSES
label = "Sneaker"
count = 16

# %%
# --8<-- "snippets/cvae_sample.py:sample"

# %% [markdown]
# 看看这些样本，也请一位独立的裁判来看：一个只在真实 Fashion-MNIST 图像上训练过的小型卷积分类器（`pipeline.trained("classifier")`）。它从没见过生成的图像。

# %%
judge_run, judge_record = pipeline.trained("classifier")
judge = judge_run.models["classifier"]
verdicts = classifier.predict(judge, images)
print(f"the judge calls {(verdicts == c).sum()} of {count} samples {label!r}")
fig, ax = plt.subplots(figsize=(6, 1.7))
common.image_grid(ax, images, nrow=8)

# %% [markdown]
# ## 每行一个类别
#
# 每一行指定一个类别，每张图都用一个新抽取的 $z$。要问两个问题：同一行的每张图是否都属于指定的类别（内容由 $y$ 决定）？同一行的图之间在形状、粗细和明暗上是否各不相同（多样性来自 $z$）？

# %%
pipeline.draw("cvae_class_rows")

# %% [markdown]
# ## 风格与内容
#
# 现在反过来：取一个 $z$（一行），分别配上十个标签（各列）解码。沿着一行看，服装随 $y$ 变化，而明暗、宽窄、厚重或轻薄这些“手法”跟着 $z$ 走。

# %%
pipeline.draw("cvae_style")

# %% [markdown]
# 六行只是个例，不如数一数：从先验中抽取 1000 个编码，每个都配上全部十个标签解码，再让裁判说出每张图是哪一类。如果解码器无视 $y$，每个编码只会得到一个类别；如果风格与内容完全分开，就是十个。只得到寥寥几个类别的编码，就是页面上说的泄漏：那里的类别信息留在了 $z$ 里。还有一种情况也会让每个编码少得一个类别：某个类别不论配上哪个编码都画不好。笔记本末尾按类别的分解可以把这两种情况区分开。

# %%
n = 1000
z = torch.randn(n, model.latent_dim, generator=torch.Generator().manual_seed(1))
with torch.no_grad():
    # row i: code z_i decoded under labels 0, 1, ..., 9
    grid = model.decode(z.repeat_interleave(NUM_CLASSES, 0),
                        torch.arange(NUM_CLASSES).repeat(n))
named = classifier.predict(judge, grid).view(n, NUM_CLASSES)
distinct = torch.tensor([len(set(row.tolist())) for row in named])
print(f"one z under the ten labels: {distinct.float().mean():.1f} different "
      f"classes on average (1 = y ignored, 10 = y obeyed)")
shares = torch.bincount(distinct, minlength=NUM_CLASSES + 1) / n
print("codes giving 10, 9, 8, ... classes: "
      + ", ".join(f"{shares[j]:.0%}" for j in range(NUM_CLASSES, 0, -1)))

# %% [markdown]
# ### 风格迁移
#
# 这是页面上的提示：用真实标签编码一张真实的测试图像，把均值 $\mu_\phi(x, y)$ 当作它的风格保留下来，再配上每个标签解码。左边是真实图像；右边每一行是这张图的风格在十个类别中的样子，从 T 恤/上衣一直到短靴。

# %%
test_set = data.load("fashion-mnist", "test")
x, y = test_set.images[:6], test_set.labels[:6]
with torch.no_grad():
    onehot = F.one_hot(y, NUM_CLASSES).to(x)
    style, _ = model.encoder(torch.cat([x.flatten(1), onehot], 1))  # mu
    moved = model.decode(style.repeat_interleave(NUM_CLASSES, 0),
                         torch.arange(NUM_CLASSES).repeat(len(x)))
fig, (left, right) = plt.subplots(
    1, 2, figsize=(6.8, 3.9), gridspec_kw=dict(width_ratios=(1, NUM_CLASSES)))
common.image_grid(left, x, nrow=1)
left.set_title("$x$")
common.image_grid(right, moved, nrow=NUM_CLASSES)
right.set_title("$\\mu_\\phi(x, y)$ decoded under labels 0, 1, ..., 9")
fig.tight_layout()

# %% [markdown]
# ## 度量类别准确率
#
# “CVAE 画的是不是我们要的？”网站用一个数字来回答：为每个类别抽取同样数量的样本，统计裁判判为指定类别的比例。下面的单元格按 `cvae.score` 的做法重新计算它（所以与记录一致），再按类别分解，旁边列出裁判自己在该类真实测试图像上的准确率。裁判在真实数据上本来就会混淆衬衫、T 恤和套头衫，不能指望 CVAE 在这几类上胜过它。

# %%
per_class = max(1, (run.config.test_size or 10_000) // NUM_CLASSES)
wanted = torch.arange(NUM_CLASSES).repeat_interleave(per_class)
samples = cvae.sample(model, wanted,
                      torch.Generator().manual_seed(run.config.seed))
verdicts = classifier.predict(judge, samples)
real = data.subset(test_set, judge_run.config.test_size,
                   judge_run.config.seed)
verdicts_real = classifier.predict(judge, real.images)

print(f"judge on real test images:  "
      f"{judge_record['metrics']['test_accuracy']:.1%}")
print(f"CVAE class accuracy:        "
      f"{record['metrics']['class_accuracy']:.1%} in the record, "
      f"{(verdicts == wanted).float().mean():.1%} recomputed")
print(f"\n{'class':>12} {'CVAE samples':>13} {'real images':>12}")
scores = []
for c, name in enumerate(classes):
    scores.append((verdicts[wanted == c] == c).float().mean().item())
    real_score = (verdicts_real[real.labels == c] == c).float().mean()
    print(f"{name:>12} {scores[-1]:13.1%} {real_score:12.1%}")

worst = min(range(NUM_CLASSES), key=scores.__getitem__)
calls = torch.bincount(verdicts[wanted == worst], minlength=NUM_CLASSES)
top = [(classes[i], int(calls[i])) for i in calls.argsort(descending=True)
       if calls[i] > 0][:3]
print(f"\nworst: samples asked for {classes[worst]!r} were called "
      + ", ".join(f"{name} {number}" for name, number in top))

# %% [markdown]
# 总的准确率掩盖了类别之间的差异。如果某个类别的得分远低于裁判在真实图像上的准确率，问题就出在生成器而不在裁判：到上面的网格里找到这一类的那一行看看。图像之间细节差异大的类别（搭带、镂空、印花）受 VAE 逐像素似然的影响最大：许多这样的图像平均下来，是一个光滑、实心的形状，看上去可能像另一个类别。
#
# ## 动手试一试
#
# - 用真正的证据下界（$\beta = 1$）训练一个 CVAE：`new = cvae.train(cvae.config_for("quick", beta=1.0))`（在 CPU 上不到一分钟），再用 `cvae.class_accuracy(new.models["cvae"], judge)` 和上面“每个编码得到几个类别”的统计来衡量它。页面上说，它的样本中画对指定类别的不到一半；你的结果也是这样吗？
# - 用 `classifier.frechet_to_test(judge, samples)` 计算 `samples` 到测试集的 Fréchet 距离，并与一同返回的下限（真实图像对真实图像）作比较。
# - 在风格迁移中，用一个**错误**的标签去编码每张图像。风格还保得住吗？
# - 比较 CVAE 生成的衬衫、T 恤和套头衫：解码器保留了哪些差别？裁判又需要哪些差别？
