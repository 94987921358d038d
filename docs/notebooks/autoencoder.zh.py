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
# # 动手实践：自编码器
#
# 本笔记本配合[自编码器](../../autoencoder/)一页使用。你将把一批图像送进模型、算出它的损失，亲手训练一个小型自编码器，然后研究页面上各图背后的两个模型：它们重建得有多好，怎样在潜在空间中摆放测试集，以及为什么解码随机编码得不到新衣服。
#
# 请从上到下依次运行各单元格。第一个单元格会在缺少本课程的 `gen_src` 包时（例如在 Colab 上）安装它。训练规模随机器而定：在 CPU 上用 `quick` 配置（每个模型不到一分钟），在 GPU 上用 `full` 配置。

# %%
import matplotlib.pyplot as plt
import torch
from torch import nn

from gen_src import autoencoder, data, pipeline
from gen_src.autoencoder import PIXELS, AEConfig
from gen_src.plots import common

settings = pipeline.Settings.resolve()
print(f"profile: {settings.profile}, device: {settings.device}")

# %% [markdown]
# ## 模型与损失
#
# 编码器 $e$ 经过一个有 400 个单元的隐藏层，把图像的 784 个像素映射为编码 $z = e(x) \in \mathbb{R}^d$；解码器 $d$ 再把编码映射回 784 个像素，最后接一个 sigmoid，因为像素值在 $[0, 1]$ 之间。单张图像的损失是所有像素上的平方误差之和：
#
# $$
# l(x) = \Vert x - d(e(x)) \Vert^2 ,
# $$
#
# 再对小批量取平均。下面的单元格就是 `gen_src/autoencoder.py` 本身的代码，与页面上展示的一字不差。

# %%
# --8<-- "gen_src/autoencoder.py:model"
# --8<-- "gen_src/autoencoder.py:loss"

# %% [markdown]
# 让八张测试图像穿过一个未经训练、$d = 2$ 的自编码器，看看形状怎样变化：进去 784 个数，瓶颈处只剩 2 个，出来又是 784 个。训练之前，每个输出像素都在 $0.5$ 附近，所以损失很大。

# %%
torch.manual_seed(0)
x = data.load("fashion-mnist", "test").images[:8]  # (8, 1, 28, 28)
net = Autoencoder(AEConfig(latent_dim=2))
with torch.no_grad():
    z = net.encoder(x)
    x_hat = net.decoder(z)
print(f"x {tuple(x.shape)} -> z {tuple(z.shape)} -> x_hat {tuple(x_hat.shape)}")
print(f"output pixels in [{x_hat.min():.2f}, {x_hat.max():.2f}]")
print(f"loss before training: {reconstruction_loss(x, x_hat):.1f} per image")
print(f"{sum(p.numel() for p in net.parameters()):,} parameters")

# %% [markdown]
# ## 亲手训练一个自编码器
#
# 这是页面上的训练循环：把一个小批量编码再解码，算出平方误差，更新一步；每轮结束后，在测试图像上测一次误差。这里只在 Fashion-MNIST 的一小部分上训练几轮，几秒钟就能跑完，误差也因此远高于网站上的模型。想真正训练一次，就修改 `config`（例如改成 `autoencoder.config_for("quick", latent_dim=20)`）。

# %%
config = autoencoder.config_for("smoke", num_epochs=5)
dev = torch.device("cpu")
torch.manual_seed(config.seed)  # the same initial weights every time
train = data.subset(data.load("fashion-mnist", "train"),
                    config.train_size, config.seed).images
test = data.subset(data.load("fashion-mnist", "test"),
                   config.test_size, config.seed).images
print(config)

# %%
# --8<-- "snippets/autoencoder.py:train"

# %% [markdown]
# ## 网站上的模型：编码为 2 个数和 20 个数
#
# `pipeline.trained(...)` 返回页面上各图背后的训练结果，它们按上面的配置在整个训练集上训练：`ae2d` 的编码有 $d = 2$ 个数，`ae` 的有 $d = 20$ 个数。记录中写着它们是怎样训练的，以及在测试集上重建得如何：`test_recon` 是每张图的 $\Vert x - d(e(x)) \Vert^2$，`test_mse_pixel` 是它再除以 784。下面是页面上的那张图：第一行是测试图像，第二行是经过 2 个数的编码重建的结果，第三行经过 20 个数。

# %%
runs = {}
for name in ("ae2d", "ae"):
    runs[name], record = pipeline.trained(name)
    print(f"{name}: latent_dim {record['config']['latent_dim']}, "
          f"num_epochs {record['config']['num_epochs']}, trained in "
          f"{record['seconds']:.0f} s on {record['device']}")
    for key, value in record["metrics"].items():
        print(f"{key:>16}: {value:.4f}")
pipeline.draw("ae_reconstructions")

# %% [markdown]
# ### 这算好吗？两条基线
#
# 每张图的误差有多少，单看这个数说明不了什么。下面在同一批测试图像上算两个参照：
#
# - **均值图像**：一个无视编码、永远输出训练集平均图像的“解码器”，相当于 $d = 0$；
# - **PCA**：同样 $d$ 下最好的**线性**自编码器。页面上证明过，它在训练集上的误差等于协方差矩阵被丢弃的那些特征值之和 $\sum_{k > d} \lambda_k$；它在测试集上的误差应当与之相近。
#
# 在同样的 $d$ 下，非线性自编码器**有可能**胜过 PCA，因为它能贴合弯曲的流形，而不只是平坦的子空间。最后一列告诉我们网站上的模型是否做到了，又领先多少。

# %%
flat_train = data.load("fashion-mnist", "train").images.flatten(1)
cfg = runs["ae"].config
x_test = data.subset(data.load("fashion-mnist", "test"),
                     cfg.test_size, cfg.seed).images  # the runs' test set
mean = flat_train.mean(0)  # the mean training image, (784,)
centred = x_test.flatten(1) - mean
eigvals, eigvecs = torch.linalg.eigh(torch.cov(flat_train.T).double())
eigvals, eigvecs = eigvals.flip(0), eigvecs.flip(1).float()  # largest first

print(f"mean image: test error {centred.pow(2).sum(1).mean():.2f} per image")
print(f"{'d':>3} {'discarded eigenvalues':>22} {'PCA test':>9} "
      f"{'AE test':>8} {'AE / PCA':>9}")
for run in runs.values():
    k = run.config.latent_dim
    top = eigvecs[:, :k]  # the k principal directions, (784, k)
    pca = (centred - centred @ top @ top.T).pow(2).sum(1).mean().item()
    ae = autoencoder.evaluate(run.models["ae"], x_test)
    print(f"{k:3d} {eigvals[k:].sum():22.2f} {pca:9.2f} {ae:8.2f} "
          f"{ae / pca:9.2f}")

# %% [markdown]
# ## 按类别着色的潜在空间
#
# 用 2 维模型把测试集编码，按类别给每个编码着色。网络从没见过标签，相似的服装却聚到了一起；也请留意簇与簇之间的空隙、簇的古怪形状，以及随意的尺度。

# %%
pipeline.draw("ae_latent")

# %% [markdown]
# ### 近邻属于同一类吗？
#
# 一张聚类图可能会美化事实。这里给出一个数字：对 2000 张测试图像，找出编码离它最近的训练图像，检查两者是否同类（这就是一个最近邻分类器，标签只用来打分）。随机猜的准确率是 10%。在像素空间里用全部 784 个数做同样的事，就能看出编码保留了多少类别信息。

# %%
gen = torch.Generator().manual_seed(0)
train_set = data.load("fashion-mnist", "train")
test_set = data.load("fashion-mnist", "test")
tr = torch.randperm(len(train_set), generator=gen)[:10_000]
te = torch.randperm(len(test_set), generator=gen)[:2_000]


def same_class_share(train_feats, test_feats):
    """Share of test points whose nearest training point has their class."""
    nearest = torch.cat([torch.cdist(chunk, train_feats).argmin(1)
                         for chunk in test_feats.split(500)])
    return (train_set.labels[tr][nearest] == test_set.labels[te]) \
        .float().mean().item()


with torch.no_grad():
    for name, run in runs.items():
        encode = run.models["ae"].encoder
        share = same_class_share(encode(train_set.images[tr]),
                                 encode(test_set.images[te]))
        print(f"code of {run.config.latent_dim:2d} numbers ({name}): "
              f"{share:.1%} same class")
pixels = same_class_share(train_set.images[tr].flatten(1),
                          test_set.images[te].flatten(1))
print(f"all {PIXELS} pixels:          {pixels:.1%} same class")

# %% [markdown]
# 两个数没法把十个类别分开：在 2 维编码中，近邻同类的比例远高于随机水平，却比像素空间低。20 个数保留的类别信息要多得多，而编码的长度只有图像的 1/39。
#
# ## 在没有图像落脚的地方解码
#
# 离开训练过的编码，解码器会怎样？在恰好装下所有编码的矩形框里取一张规则网格（左图，红色十字），逐点解码（右图）：簇内是衣服，簇间是虚影和混合，空角落里是色块。

# %%
pipeline.draw("ae_latent_grid")

# %% [markdown]
# ### 随机编码
#
# 自编码器并没有给出一个可以从中抽取编码样本的分布，我们只好自己编一个最宽容的：在恰好装下测试集编码的最小矩形框里均匀采样。页面上的程序抽取 64 个这样的编码并解码，再测量每个随机的 $z$ 离最近的真实编码有多远，与真实编码离各自最近邻的距离作比较。它需要训练好的 2 维模型、测试图像和点数：

# %%
model = runs["ae2d"].models["ae"]
test = data.subset(data.load("fashion-mnist", "test"),
                   runs["ae2d"].config.test_size).images
points = 64

# %%
# --8<-- "snippets/ae_random_decode.py:decode"

# %% [markdown]
# 页面上提醒过，维数越高情况越糟：矩形框的体积随 $d$ 指数增长，编码却只占据其中很薄的一部分。用 20 维的模型做同样的检验，再把两组随机解码的结果并排放在一起看。

# %%
model20 = runs["ae"].models["ae"]
with torch.no_grad():
    codes20 = model20.encoder(test)  # (N, 20)
    low20, high20 = codes20.min(0).values, codes20.max(0).values
    u = torch.rand(points, 20, generator=torch.Generator().manual_seed(0))
    z20 = low20 + (high20 - low20) * u
    images20 = model20.decoder(z20)
    gap20 = torch.cdist(z20, codes20).min(1).values.median()
    dist20 = torch.cdist(codes20, codes20).fill_diagonal_(float("inf"))
    spacing20 = dist20.min(1).values.median()
print(f"d = 2:  random z to nearest code {gap:.3f}, code to code "
      f"{spacing:.3f}, {gap / spacing:.1f}x")
print(f"d = 20: random z to nearest code {gap20:.3f}, code to code "
      f"{spacing20:.3f}, {gap20 / spacing20:.1f}x")

fig, (left, right) = plt.subplots(1, 2, figsize=(9, 4.6))
common.image_grid(left, images, nrow=8)
left.set_title("random z in the box, d = 2")
common.image_grid(right, images20, nrow=8)
right.set_title("random z in the box, d = 20")
fig.tight_layout()

# %% [markdown]
# 只有两个数时，一些随机编码能解码出像样的服装，更多的则是污迹和混合。有二十个数时，解码器重建得好得多，可是从矩形框中随机取的编码离真实编码更远（相对于编码之间的间距而言），解码出来的是几件衣服叠在一起、对比强烈的残缺碎片。重建误差低并不能造就生成器：要生成，潜在空间需要连续性和完备性，而这正是[变分自编码器](../../vae/)要补上的。
#
# ## 动手试一试
#
# - 在“亲手训练一个自编码器”一节里，给 `config_for` 加上 `latent_dim=20`，再用更多图像训练更多轮（`"quick"`）。你能多接近网站上的 `ae` 模型？
# - 把自编码器改成线性的（复制一份模型，去掉 ReLU 和 sigmoid），用 $d = 2$ 训练。它的测试误差是否像页面上的理论预言的那样，接近基线表中 PCA 的误差？
# - 用 2 维模型解码一只运动鞋和一件 T 恤的编码之间那条直线上的点。走到一半时的图像是什么样子？再到 [VAE 笔记本](../vae/)里做一次。
# - 把平方误差换成对像素求和的二元交叉熵 `F.binary_cross_entropy(x_hat, x, reduction="sum") / len(x)`，比较两者的重建结果。
