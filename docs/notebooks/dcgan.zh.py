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
# # 动手实践：DCGAN
#
# 本笔记本配合[深度卷积生成对抗网络（DCGAN）](../../dcgan/)页面使用。DCGAN 玩的是和 [GAN 页面](../../gan/)上同一个博弈，损失和训练步也完全相同，变的只是两个网络：从多层感知机换成了卷积网络。你将验证这些网络背后的形状计算，让一批数据逐层通过两个网络，用几秒钟在 Fashion-MNIST 上训练一个小型 DCGAN，然后研究本站插图背后的那次训练：它的样本、Fréchet 距离、损失曲线和潜在空间，以及它与多层感知机 GAN 的对比。
#
# 请从上到下依次运行各个单元格。第一个单元格会在缺少本课程的 `gen_src` 包时（例如在 Colab 上）安装它。本站的训练结果如果已在缓存中，就直接加载，否则按机器的配置现场训练：CPU 上用 `quick`（每个模型大约一分钟），GPU 上用 `full`。

# %%
import matplotlib.pyplot as plt
import torch
from torch import nn  # nn: used by the code embedded from gen_src

from gen_src import adversarial, classifier, data, dcgan, gan, pipeline
from gen_src.plots.common import image_grid

settings = pipeline.Settings.resolve()
print(f"profile: {settings.profile}, device: {settings.device}")

# %% [markdown]
# ## Radford 等的设计准则
#
# Radford、Metz 和 Chintala（2015）找到了一族能稳定训练的卷积 GAN，它们遵循五条规则：
#
# 1. **不用池化。** $D$ 用步幅卷积做下采样，$G$ 用转置卷积做上采样：让网络自己学习如何改变分辨率；而 $G$ 只能通过 $D$ 的梯度来学习，这样也就避免了最大池化带来的稀疏梯度。
# 2. **两个网络都用批归一化**，但 $G$ 的输出层和 $D$ 的输入层除外。
# 3. **去掉全连接的隐藏层。** $G$ 的第一层把 $z$ 投影后变形为一小叠特征图；$D$ 的最后一层把特征映射为一个 logit。
# 4. **$G$ 中用 ReLU，输出层用 tanh**，因此训练时把图像缩放到 $[-1, 1]$。
# 5. **$D$ 中用 LeakyReLU**，即 $\max(x, 0.2x)$，输入为负时梯度也能通过。
#
# 论文训练时用的小批量大小为 128，权重从 $\mathcal{N}(0, 0.02^2)$ 中采样，优化器是 Adam，学习率 $2 \times 10^{-4}$，$\beta_1 = 0.5$。
#
# 各层的尺寸之所以能对上，是因为核大小为 $k$、步幅为 $s$、填充为 $p$ 的卷积把宽度 $i$ 映射为 $o_{\text{conv}}$，而转置卷积则沿相反的方向映射：
#
# $$
# o_{\text{conv}} = \left\lfloor \frac{i + 2p - k}{s} \right\rfloor + 1,
# \qquad
# o_{\text{transposed}} = (i - 1)\, s - 2p + k .
# $$
#
# 取 $k = 4$、$s = 2$、$p = 1$ 时，前者把偶数宽度减半，后者把任意宽度翻倍，所以由 $28 = 7 \cdot 2 \cdot 2$ 得到 7、14、28 三种尺寸的特征图。下面的单元格验证这两个公式，并验证 $G$ 的第一层（把 $z$ 看作 1×1 的图像，做 7×7 的转置卷积）其实就是一个全连接层，也就是“投影并变形”。

# %%
up = nn.ConvTranspose2d(1, 1, kernel_size=4, stride=2, padding=1)
down = nn.Conv2d(1, 1, kernel_size=4, stride=2, padding=1)
for i in (7, 14, 28):
    x = torch.zeros(1, 1, i, i)
    print(f"width {i:2d}: transposed conv -> {up(x).shape[-1]:2d} "
          f"(formula {(i - 1) * 2 - 2 + 4:2d}), conv -> "
          f"{down(x).shape[-1]:2d} (formula {(i + 2 - 4) // 2 + 1:2d})")

project = nn.ConvTranspose2d(64, 16, kernel_size=7)  # z (64) -> (16, 7, 7)
z = torch.randn(3, 64)
as_conv = project(z[:, :, None, None]).flatten(1)  # (3, 16 * 7 * 7)
as_linear = z @ project.weight.flatten(1) \
    + project.bias.repeat_interleave(7 * 7)
print("project and reshape = a linear layer:",
      torch.allclose(as_conv, as_linear, atol=1e-5))

# %% [markdown]
# ## 网络结构
#
# 设通道数为 $c$，生成器从 $z$ 出发，依次得到 $(2c, 7, 7)$、$(c, 14, 14)$ 和图像 $(1, 28, 28)$；判别器与之镜像对称，最后输出一个 logit。后面接批归一化的层不带偏置，因为归一化反正会把它减掉。

# %%
# --8<-- "gen_src/dcgan.py:generator"
# --8<-- "gen_src/dcgan.py:discriminator"

# %% [markdown]
# 页面上的代码片段按本站那次训练的配置搭建两个网络，让一批数据依次通过它们，打印每一层输出的形状以及每个网络的参数个数。

# %%
config = dcgan.config_for(settings.profile)
nets = dcgan.build(config)  # G and D, weights drawn from N(0, 0.02^2)
batch = 16
shapes = {}

# %%
# --8<-- "snippets/dcgan_networks.py:shapes"

# %% [markdown]
# ## 自己训练一个 DCGAN
#
# `dcgan.train` 用这两个网络调用 GAN 的训练步 `adversarial.make_step`：每个小批量先更新一次 $D$，再用非饱和损失更新一次 $G$。这里训练的是窄网络（16 个通道），在 4,800 张图像上训练 150 步，在 CPU 上只需几秒钟。别指望得到完整的图像：能看到带着服饰轮廓的模糊色块就对了。

# %%
small = dcgan.config_for("smoke", train_size=4800, channels=16, lr=5e-4)
mine = dcgan.train(small, progress=False)
h = mine.history
print(f"{mine.metrics['steps']} steps in {mine.seconds:.1f} s on "
      f"{mine.device}")
print(f"last 50 steps: L_D {sum(h['d_loss'][-50:]) / 50:.3f}, "
      f"L_G {sum(h['g_loss'][-50:]) / 50:.3f}, "
      f"D(x) {sum(h['d_real'][-50:]) / 50:.3f}, "
      f"D(G(z)) {sum(h['d_fake'][-50:]) / 50:.3f}")

z = adversarial.fixed_noise(32, small.latent_dim)  # the same z every time
fig, ax = plt.subplots(figsize=(6, 3))
fake = adversarial.to_unit(adversarial.generate(mine.models["G"], z))
image_grid(ax, fake, nrow=8)

# %% [markdown]
# ## 本站的训练结果
#
# `pipeline.trained("dcgan")` 返回 DCGAN 页面上那些插图所用的训练结果。在 CPU 上，`quick` 配置为了控制预算，偏离了论文的设置（通道更少、小批量更小、学习率更高）；训练记录里写明了它究竟是怎样训练的。

# %%
run, record = pipeline.trained("dcgan")
c = record["config"]
print(f"channels {c['channels']}, latent_dim {c['latent_dim']}, "
      f"batch_size {c['batch_size']}, lr {c['lr']}, betas {c['betas']}")
print(f"{record['metrics']['steps']} steps ({c['num_epochs']} epoch(s) "
      f"over {c['train_size'] or 60000} images) in {record['seconds']:.0f} s "
      f"on {record['device']}")

# %% [markdown]
# 由一组固定的 8×8 噪声向量生成的样本。噪声是固定的，所以不同的训练、不同版本的代码得到的网格可以直接对比。请留意：服饰是否来自许多不同的类别（有多样性，说明没有发生模式崩溃），轮廓是否干净，以及还剩下哪些缺陷：涂抹状的纹理、介于两个类别之间的服饰。

# %%
pipeline.draw("dcgan_samples")

# %% [markdown]
# ## 好到什么程度？Fréchet 距离
#
# 一个独立的 Fashion-MNIST 分类器只在真实图像上训练过，它把每张图像变成一个特征向量。对生成图像的特征拟合一个高斯分布，对真实测试图像的特征再拟合一个，两个高斯之间的距离为
#
# $$
# d^2 = \Vert \mu_r - \mu_g \Vert^2
# + \operatorname{Tr}\!\Big(\Sigma_r + \Sigma_g
# - 2\big(\Sigma_r \Sigma_g\big)^{1/2}\Big) .
# $$
#
# 这就是 Heusel 等（2017）的 FID，只是把 Inception 网络换成了在本数据集上训练的分类器。数值越小越好；由于样本有限，即使是两组真实图像之间，它也不会为零。所以训练记录里还给出了**下限**：真实测试集中两个互不相交、大小相同的部分之间的距离，也就是完美的生成器能得到的分数。

# %%
m = record["metrics"]
print(f"Fréchet distance, {m['frechet_samples']} samples vs real: "
      f"{m['frechet']:.2f}")
print(f"floor, real vs real with as many images:  {m['frechet_floor']:.2f}")

# %% [markdown]
# 距离本身只要几行代码。下限与图像的数量有关：图像越少，拟合出的均值和协方差越不准，两组真实图像看起来也就相距越远。接下来的单元格用本站所用的分类器计算几种大小下的下限。单次划分本身就有波动，所以对测试集做三次随机划分，取平均。

# %%
# --8<-- "gen_src/classifier.py:frechet"

# %%
_sqrtm_psd = classifier._sqrtm_psd  # read by frechet_distance above
judge = pipeline.trained("classifier")[0].models["classifier"]
test = data.load("fashion-mnist", "test")
features = classifier.features(judge, test.images)  # (10000, F)
for n in (250, 1000, 2500, 5000):
    floors = []
    for seed in range(3):
        gen = torch.Generator().manual_seed(seed)
        order = torch.randperm(len(features), generator=gen)
        floors.append(frechet_distance(features[order[:n]],
                                       features[order[n:2 * n]]))
    print(f"real vs real, {n:4d} images each: {sum(floors) / 3:.2f} "
          f"(min {min(floors):.2f}, max {max(floors):.2f})")

# %% [markdown]
# ## 损失曲线
#
# GAN 的损失本来就不该降到零。在健康的训练中，两者都在一个范围内波动，而且此消彼长：$D$ 的损失低于它的随机水平 $2 \log 2 \approx 1.39$（虚线），$G$ 的损失高于 $\log 2 \approx 0.69$（点线）。危险的信号是：判别器的损失骤降到零（$D$ 赢了，$G$ 得不到梯度），或者生成器的损失持续上升。单元格打印训练最后十分之一的平均值。

# %%
tail = max(1, len(run.history["d_loss"]) // 10)
for key, label in (("d_loss", "L_D"), ("g_loss", "L_G"),
                   ("d_real", "D(x)"), ("d_fake", "D(G(z))")):
    print(f"{label:>8}: {sum(run.history[key][-tail:]) / tail:.3f}")
pipeline.draw("dcgan_losses")

# %% [markdown]
# ## 潜在空间插值
#
# 每一行都在两个噪声向量之间的直线上等间距取点并解码，即 $t$ 从 0 到 1 时的 $G((1 - t)\, z_0 + t\, z_1)$。如果生成器只是记住了训练图像，画面就会从一张突然跳到另一张；如果它学到的是一个平滑的映射，形状和类别都会逐渐变化。

# %%
pipeline.draw("dcgan_interpolation")

# %% [markdown]
# ## DCGAN 与多层感知机 GAN 的对比
#
# GAN 页面上的多层感知机 GAN 在同样的数据上、用同样的训练步和损失训练；不同的只有网络，以及训练预算。下表把预算与网络大小、Fréchet 距离列在一起。请注意，DCGAN 并不是靠规模取胜：它的两个网络加起来，参数比多层感知机 GAN 的还少。卷积把参数花在了在整张图像上共享的局部图案上。

# %%
mlp_run, mlp_record = pipeline.trained("gan_fmnist")
print(f"{'':8} {'G params':>9} {'D params':>9} {'total':>9} {'steps':>6} "
      f"{'seconds':>8} {'Fréchet':>8} {'floor':>6}")
for label, r, rec in (("DCGAN", run, record),
                      ("MLP GAN", mlp_run, mlp_record)):
    g, d = (sum(p.numel() for p in r.models[k].parameters())
            for k in ("G", "D"))
    rm = rec["metrics"]
    print(f"{label:8} {g:9,} {d:9,} {g + d:9,} {rm['steps']:6d} "
          f"{rec['seconds']:8.0f} {rm['frechet']:8.2f} "
          f"{rm['frechet_floor']:6.2f}")

# %% [markdown]
# 多层感知机 GAN 由同样一组固定噪声生成的样本。请把轮廓和纹理与上面 DCGAN 的网格对比一下。

# %%
pipeline.draw("gan_fmnist_samples")

# %% [markdown]
# ## 每个生成器都画了哪些服饰？
#
# 这个分类器还能给生成的图像打标签。在真实测试图像上，它预测的各类别比例都接近 10%（分类器并不完美，所以不是恰好 10%）。如果一个生成器的样本都挤在少数几个类别上，另一些类别则从来不画，就说明发生了部分的模式崩溃。最后一行用一个数来概括：类别直方图相对均匀分布的反向 KL，和二维玩具数据上数模式时用的是同一个量（每个类别都占 10% 时为 0）。请找出某个生成器（几乎）从来不画的那些类别。

# %%
def class_shares(images):
    counts = torch.bincount(classifier.predict(judge, images), minlength=10)
    return counts.double() / len(images)


shares = {"real": class_shares(test.images[:2000])}
for label, r in (("DCGAN", run), ("MLP GAN", mlp_run)):
    z = adversarial.fixed_noise(2000, r.config.latent_dim, seed=1)
    fake = adversarial.to_unit(adversarial.generate(r.models["G"], z))
    shares[label] = class_shares(fake)

print(f"{'class':<12}" + "".join(f"{label:>9}" for label in shares))
for k, name in enumerate(test.classes):
    print(f"{name:<12}" + "".join(f"{p[k]:9.1%}" for p in shares.values()))
kl = {label: (p[p > 0] * (10 * p[p > 0]).log()).sum().item()
      for label, p in shares.items()}
print(f"{'reverse KL':<12}" + "".join(f"{v:9.3f}" for v in kl.values()))

# %% [markdown]
# ## 动手试一试
#
# - 用 `lr=2e-4`（论文的取值）训练这个小型 DCGAN，再加上 `betas=(0.9, 0.999)` 试试：默认的动量是否像论文所说的那样让训练变得不稳定？
# - 去掉生成器中的批归一化：自己写一个不含 `nn.BatchNorm2d` 层的 `Generator`，仿照 `dcgan.train` 的做法，用 `gan.train_adversarial` 让它和一个 `Discriminator` 对抗训练。样本还有多样性吗？
# - 把小规模训练的 `train_size` 加倍。样本有什么变化？训练要多久？
# - 自己选两个噪声向量，用 `adversarial.generate` 在它们之间插值，再用 `image_grid` 把这一行画出来。
# - 用 `gan.score(mine, pipeline.trained("classifier")[0])` 计算你这个小型 DCGAN 的 Fréchet 距离，看看它落在本站那次训练和下限之间的什么位置。
