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
# # 动手实践：生成对抗网络
#
# 本笔记本配合[生成对抗网络](../../gan/)页面使用。所有实验都在二维平面上进行：每个样本都能画出来，每个模式都能数清楚。你将搭建两个网络，查看三个损失及其梯度，亲手执行一轮 Goodfellow 等的算法 1，再用几秒钟在 8 个高斯组成的圆环上训练一个 GAN。之后研究本站插图背后的几次训练：它们覆盖了多少个模式，换成极小极大损失后有什么不同，让生成器领先会发生什么，以及判别器学到了什么。
#
# 请从上到下依次运行各个单元格。第一个单元格会在缺少本课程的 `gen_src` 包时（例如在 Colab 上）安装它。本站的训练结果如果已在缓存中，就直接加载，否则按机器的配置现场训练：CPU 上用 `quick`（每次训练几秒钟），GPU 上用 `full`。

# %%
import math  # math, nn and F: used by the code embedded from gen_src

import torch
import torch.nn.functional as F
from torch import nn

from gen_src import adversarial, gan, modes, pipeline, toy
from gen_src.plots import gan as gan_plots

settings = pipeline.Settings.resolve()
print(f"profile: {settings.profile}, device: {settings.device}")

# %% [markdown]
# ## 两个玩家
#
# **生成器** $G$ 把噪声向量 $z \sim \mathcal{N}(0, I)$ 变成样本 $G(z)$；**判别器** $D$ 把样本变成一个 logit $\ell$，$D(x) = \sigma(\ell)$ 就是 $x$ 为真实样本的概率。两者都是小型的多层感知机。在玩具数据上，噪声是二维的；生成器的输出层不加激活（二维点的取值没有界限）；判别器各层的宽度与生成器的正好相反。

# %%
# --8<-- "gen_src/gan.py:generator"
# --8<-- "gen_src/gan.py:discriminator"

# %% [markdown]
# 下面的单元格按本站圆环实验的配置搭建两个网络，让五个噪声向量依次通过它们。未经训练的 $D$ 还谈不上有什么判断：它给出的值都接近 $\tfrac12$。

# %%
config = gan.config_for(settings.profile, dataset="ring")
torch.manual_seed(0)
G = Generator(config.latent_dim, config.hidden, (2,), tanh=False)
D = Discriminator((2,), tuple(reversed(config.hidden)))

z = torch.randn(5, config.latent_dim)  # five noise vectors
with torch.no_grad():
    fake = G(z)
    logits = D(fake)
print(f"z {tuple(z.shape)} -> G(z) {tuple(fake.shape)} -> "
      f"logits {tuple(logits.shape)}")
print("D(G(z)) =", [round(p, 3) for p in torch.sigmoid(logits).tolist()])
for name, net in (("G", G), ("D", D)):
    print(f"{name}: {sum(p.numel() for p in net.parameters()):,} parameters")

# %% [markdown]
# ## 写在 logit 上的损失
#
# $D$ 最大化 $\log D(x) + \log(1 - D(G(z)))$：它就是一个用二元交叉熵训练的二分类器，真实样本的标签为 1，生成样本的标签为 0。生成器的损失有两种：一种是**极小极大**损失 $\log(1 - D(G(z)))$，也就是博弈本身；另一种是大家实际训练时都用的**非饱和损失** $-\log D(G(z))$。记 $D(G(z)) = \sigma(\ell)$，两者对 logit 的斜率分别是
#
# $$
# \frac{\partial}{\partial \ell} \log\big(1 - \sigma(\ell)\big) = -D(G(z)),
# \qquad
# \frac{\partial}{\partial \ell} \big[-\log \sigma(\ell)\big]
# = -\big(1 - D(G(z))\big).
# $$
#
# 三个损失都借助 $\operatorname{softplus}$ 直接由 logit 算出，因此从来不会对舍入过的概率取对数。

# %%
# --8<-- "gen_src/adversarial.py:d_loss"
# --8<-- "gen_src/adversarial.py:g_loss_minimax"
# --8<-- "gen_src/adversarial.py:g_loss_nonsaturating"

# %% [markdown]
# 做两项检验。判别器的损失正是 PyTorch 用这两个标签算出的二元交叉熵。在 $D$ 分不清真假的地方（$D = \tfrac12$，即 logit 为 0），各个损失都处在随机水平：$D$ 的损失是 $2 \log 2$，非饱和的 $G$ 损失是 $\log 2$。本站损失曲线图上的两条参考线就是这两个值。

# %%
G_LOSSES = {"minimax": g_loss_minimax,
            "nonsaturating": g_loss_nonsaturating}

real_logits, fake_logits = torch.randn(8), torch.randn(8)
bce = (F.binary_cross_entropy_with_logits(real_logits, torch.ones(8))
       + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros(8)))
print(f"d_loss {d_loss(real_logits, fake_logits):.4f}   "
      f"BCE with labels 1 and 0 {bce:.4f}")
chance = torch.zeros(8)  # D = 1/2 on every sample
print(f"at D = 1/2: d_loss {d_loss(chance, chance):.4f} "
      f"(2 log 2 = {2 * math.log(2):.4f}), non-saturating "
      f"{g_loss_nonsaturating(chance):.4f} (log 2 = {math.log(2):.4f})")

# D's logit on a fake goes from -8 (D(G(z)) = 0.0003) to 2
low, high, points = -8.0, 2.0, 6

# %% [markdown]
# 再来看斜率：从 $D$ 确信是伪造的样本，一直到 $D$ 信以为真的样本。训练初期 $G$ 很差，$D(G(z))$ 很小，对应表格最上面的几行。

# %%
# --8<-- "snippets/gan_losses.py:losses"

# %% [markdown]
# 在 $D$ 很有把握的地方（$D(G(z)) \approx 0$），极小极大损失的斜率 $-D(G(z)) \approx 0$：损失**饱和**了，$G$ 几乎得不到信号；非饱和损失的斜率却接近 $-1$。两者在 $D(G(z)) = \tfrac12$ 处相等，而且都把 logit 往同一个方向推，所以博弈的不动点不变。
#
# ## 算法 1 的一轮
#
# 训练是交替进行的：先固定 $G$，对 $D$ 做 $k$ 次更新；再固定 $D$，对 $G$ 做一次更新（`d_steps` 就是 $k$，本站取 $k = 1$）。更新 $D$ 时，生成样本是在 `torch.no_grad()` 下算出来的，梯度传不到 $G$。更新 $G$ 时，梯度*穿过* $D$，但只有 $G$ 的优化器走一步。`order` 决定谁先走，算法 1 对应 `"d_first"`。

# %%
# --8<-- "gen_src/adversarial.py:step"

# %% [markdown]
# 在新建的网络上执行一轮。两个优化器上挂了钩子，每次更新之后打印 $D$ 对同一批真实样本和同一批生成样本的平均判断：$D$ 走一步，把两个判断拉开；接着 $G$ 走一步，把 $D(G(z))$ 推回来，而 $D(x)$ 纹丝不动（$D$ 是固定的）。最后一行是 `step` 的返回值：两个损失，以及 $D$ 在自己更新时给出的判断。

# %%
torch.manual_seed(0)
G = Generator(config.latent_dim, config.hidden, (2,), tanh=False)
D = Discriminator((2,), tuple(reversed(config.hidden)))
step = make_step(G, D, config, torch.device("cpu"))
real = toy.sample("ring", config.d_steps * config.batch_size)
z = torch.randn(config.batch_size, config.latent_dim)


def verdicts(label):
    with torch.no_grad():
        d_real = torch.sigmoid(D(real)).mean().item()
        d_fake = torch.sigmoid(D(G(z))).mean().item()
    print(f"{label:<15} D(x) = {d_real:.4f}   D(G(z)) = {d_fake:.4f}")


opt_d, opt_g = step.optimizers
hooks = [
    opt_d.register_step_post_hook(lambda *a: verdicts("after D's step")),
    opt_g.register_step_post_hook(lambda *a: verdicts("after G's step")),
]
verdicts("start")
out = step(real)  # one round: D's update(s), then G's
for hook in hooks:
    hook.remove()
print({key: round(value, 4) for key, value in out.items()})

# %% [markdown]
# ## 数模式：PacGAN 的评估方法
#
# 圆环由单位圆上 8 个标准差为 0.01 的高斯模式组成。按照 PacGAN（Lin 等，2018）的做法，对 2,500 个生成样本打分。离最近模式不超过 3 个标准差的样本算作**高质量**样本；一个模式只要是至少一个高质量样本的最近模式，就算**被覆盖**。一个离群的样本就足以覆盖一个模式，所以另外用两个数来描述高质量样本分布得是否均匀。一是它们在各个模式上的直方图 $p$ 相对均匀分布的**反向 KL**：
#
# $$
# \mathrm{KL}(p \,\|\, u) = \sum_{i=1}^{K} p_i \log (K p_i),
# $$
#
# 每个模式都分到 $1/K$ 时它为 0，所有样本都落在同一个模式上时它为 $\log K$。二是**最大模式所占的份额**（在圆环上最好也只能是 $1/8 = 12.5\%$）。

# %%
# --8<-- "gen_src/modes.py:score"

# %% [markdown]
# 三个参照情形能让这些数字更直观：真实数据本身；所有样本都挤在一个模式上的彻底的模式崩溃；以及额外加了噪声、被抹开的真实数据（每个模式都覆盖到了，但离模式足够近、能算数的样本很少）。

# %%
HQ_STDS = modes.HQ_STDS  # 3 standard deviations, read by score()


def report(m):
    return (f"{m['modes']}/{m['num_modes']} modes, "
            f"{m['high_quality']:4.0%} high quality, "
            f"reverse KL {m['reverse_kl']:.3f}, "
            f"largest mode {m['largest_mode_share']:4.0%}")


gen = torch.Generator().manual_seed(0)
n = modes.NUM_SAMPLES
cases = {
    "real data": toy.sample("ring", n, gen),
    "one mode only": toy.modes("ring")[0]
    + toy.mode_std("ring") * torch.randn(n, 2, generator=gen),
    "real + noise": toy.sample("ring", n, gen)
    + 0.05 * torch.randn(n, 2, generator=gen),
}
for name, samples in cases.items():
    print(f"{name:>14}: {report(score(samples, 'ring'))}")

# %% [markdown]
# ## 自己训练一个 GAN
#
# `gan.train` 用不断新采样的小批量圆环数据重复执行上面的训练步；在最后 30% 的轮次里把学习率逐渐降到 0，让样本稳定下来；对一组固定的噪声保存 $G(z)$ 的快照，并给最后一个快照打分。这里训练 800 轮，每个小批量 128 个点，在 CPU 上只需几秒钟。表格把训练记录按每 100 轮取平均。请留意 $D(x)$ 和 $D(G(z))$：博弈保持平衡时，两者都停在 $\tfrac12$ 附近。

# %%
small = gan.config_for("quick", dataset="ring", num_steps=800,
                       batch_size=128, snapshot_every=200)
mine = gan.train(small, progress=False)
print(f"{small.num_steps} rounds in {mine.seconds:.1f} s on {mine.device}")
print(f"{'rounds':>9} {'L_D':>6} {'L_G':>6} {'D(x)':>6} {'D(G(z))':>8}")
for start in range(0, small.num_steps, 100):
    mean = {key: sum(values[start:start + 100]) / 100
            for key, values in mine.history.items()}
    print(f"{start + 1:4d}-{start + 100:<4d} {mean['d_loss']:6.3f} "
          f"{mean['g_loss']:6.3f} {mean['d_real']:6.3f} "
          f"{mean['d_fake']:8.3f}")
print(report(mine.metrics))

# %% [markdown]
# 各个快照：灰色是真实数据，橙色是生成样本；最后一幅的标题给出被覆盖的模式数和高质量样本所占的比例。

# %%
fig = gan_plots.training_row(mine)

# %% [markdown]
# ## 本站的训练结果
#
# `pipeline.trained(name)` 返回 GAN 页面上那些插图所用的训练结果：圆环上按算法 1 取 $k = 1$ 的非饱和损失；圆环上让判别器领先（每轮 $D$ 更新 $k = 3$ 次，两种损失预算相同）的两种损失；圆环上生成器多步更新的训练顺序；以及 25 个模式组成的网格上的非饱和损失。一次更新指任一网络的优化器走一步。生成器多步更新的那次训练轮数更少、每轮的更新更多，这样它与 $k = 1$ 的那次训练预算相同。

# %%
site = {
    "toy_ring_ns": pipeline.trained("toy_ring_ns"),
    "toy_ring_k3_ns": pipeline.trained("toy_ring_k3_ns"),
    "toy_ring_k3_mm": pipeline.trained("toy_ring_k3_mm"),
    "toy_ring_gfirst": pipeline.trained("toy_ring_gfirst"),
    "toy_grid_ns": pipeline.trained("toy_grid_ns"),
}
for name, (run, record) in site.items():
    c, m = record["config"], record["metrics"]
    updates = m["steps"] * (c["d_steps"] + c["g_steps"])
    print(f"{name}: {c['dataset']}, {c['loss']} loss, order {c['order']} "
          f"(k = {c['d_steps']}, G steps = {c['g_steps']}), "
          f"{m['steps']} rounds = {updates} updates, "
          f"{record['seconds']:.0f} s on {record['device']}")
    print(f"{'':>4}{report(m)}")

# %% [markdown]
# 圆环上的非饱和训练过程。样本一开始是原点附近的一团，随后拉伸成一个环，等学习率降下来以后，再聚拢到各个模式上。

# %%
pipeline.draw("gan_ring_training")

# %% [markdown]
# ## 极小极大损失还是非饱和损失？
#
# 上面的表格给出了判别器领先（$k = 3$）时、相同预算下两种生成器损失的对比。理论所警告的饱和，需要一个很有把握的判别器。取 $k = 1$ 时，从最初几轮起，$D$ 对生成样本的平均判断就一直在 $\tfrac12$ 附近（见下面的输出）；而 Adam 会把每个梯度除以对其大小的滑动估计，只是偏小的梯度因此又被放大回来，于是极小极大损失也跟得上。取 $k = 3$ 时，$D$ 始终领先：从一开始它对生成样本的判断就更低，而对远离模式的生成样本，判断几乎为 0。
#
# Adam 改变不了的，是*推力在各个样本之间怎样分配*。在极小极大损失下，每个生成样本得到的斜率是 $D(G(z))$；在非饱和损失下则是 $1 - D(G(z))$。$D$ 最不相信的样本，也就是远离 $G$ 已经覆盖的那些模式的样本，恰恰是极小极大损失推得最轻的，所以它们永远不会被拉向缺失的模式。下面的单元格用极小极大训练结束时的网络来度量这一点。

# %%
run_mm, run_ns = site["toy_ring_k3_mm"][0], site["toy_ring_ns"][0]
for name in ("toy_ring_ns", "toy_ring_k3_ns", "toy_ring_k3_mm"):
    run, record = site[name]
    first = run.history["d_fake"][:100]
    print(f"{name:>15} (k = {record['config']['d_steps']}): mean D(G(z)) "
          f"over the first {len(first)} rounds {sum(first) / len(first):.3f}")

samples = run_mm.tensors["snapshots"][-1]
near = torch.cdist(samples, toy.modes("ring")).min(dim=1).values
on_mode = near <= HQ_STDS * toy.mode_std("ring")
with torch.no_grad():
    d_fake = torch.sigmoid(run_mm.models["D"](samples))
for label, group in (("on a mode", on_mode), ("stray", ~on_mode)):
    d = d_fake[group].mean().item()
    print(f"{label:>10} ({group.sum().item():4d} samples): D(G(z)) = {d:.3f}"
          f"  minimax slope {d:.3f}  non-saturating slope {1 - d:.3f}")

# %% [markdown]
# 可见当判别器领先时，极小极大损失会塌缩到少数几个模式上，而非饱和损失在完全相同的预算下覆盖了全部 8 个模式：请在本站训练结果的表格中对比两次训练覆盖的模式数和最大模式所占的比例。下图把两次训练并排放在一起，上面一行是极小极大损失；请看最后一列里各自覆盖了几个模式。

# %%
pipeline.draw("gan_loss_compare")

# %% [markdown]
# ## 极小极大不等于极大极小
#
# 算法 1 先训练 $D$，每轮让两个玩家各走一步：每个生成器都由一个刚刚追上它的判别器来评判，这正是 $\min_G \max_D V$ 的本意。如果让 $G$ 先走，而且每轮针对一个过时的 $D$ 走好几步，训练就会偏向 $\max_D \min_G V$，而它的内层问题有一个退化的解：面对固定的 $D$，最好的生成器会把每个 $z$ 都送到 $D$ 最中意的那一个点上。这就是**模式崩溃**。下图在网络更新次数相同的条件下，对比算法 1（上面一行）与 $G$ 先走、每轮走五步的训练（下面一行）。

# %%
pipeline.draw("gan_order_compare")

# %% [markdown]
# 光看模式数，会漏掉发生在模式*之外*的崩溃，所以下一个单元格为每个快照再加两个指标。**最热模式**（top mode）：在全部样本（不论质量高低）中，最近模式是最热门那个模式的样本所占的比例；样本沿圆环均匀散开时约为 $1/8$，挤成一团时接近 1。**散布**（spread）：样本到其中心的平均距离，样本铺满整个圆环时约为 1（即圆环的半径）。未经训练的生成器（第 0 轮）只是一小团，不计入汇总。

# %%
def top_mode(samples, dataset="ring"):
    nearest = torch.cdist(samples, toy.modes(dataset)).argmin(dim=1)
    return torch.bincount(nearest).max().item() / len(samples)


for name in ("toy_ring_ns", "toy_ring_gfirst"):
    run, record = site[name]
    steps = run.tensors["snapshot_steps"].tolist()
    shots = run.tensors["snapshots"]
    print(f"{name}: order {run.config.order}, "
          f"{run.config.g_steps} G step(s) per round")
    print(f"{'round':>7} {'top mode':>9} {'spread':>7} {'modes':>6} "
          f"{'HQ':>5}")
    for t, samples in zip(steps, shots):
        m = modes.score(samples, "ring")
        spread = (samples - samples.mean(0)).norm(dim=1).mean().item()
        print(f"{t:7d} {top_mode(samples):9.0%} {spread:7.2f} "
              f"{m['modes']:>3}/{m['num_modes']} {m['high_quality']:5.0%}")
    worst = max(range(1, len(steps)), key=lambda i: top_mode(shots[i]))
    print(f"most collapsed snapshot after the start: round {steps[worst]}, "
          f"{top_mode(shots[worst]):.0%} of the samples at one mode\n")

# %% [markdown]
# 请找出那些一个模式占去大部分样本、散布又很小的轮次：生成器多步更新的训练把样本堆成一团，随着 $D$ 学会拒绝它，这一团又四处游走，正如极大极小的论证所预言的那样。算法 1 则自始至终让样本散布在整个圆环上。生成器多步更新的训练到预算用完时无论恢复了多少，都要为这段弯路付出代价：高质量样本更少，各模式之间也更不均衡（见本站训练结果表格中它的指标）。
#
# ## 判别器看到了什么
#
# 对固定的 $G$，最优判别器是 $D^*(x) = p_{\text{data}}(x) / (p_{\text{data}}(x) + p_g(x))$。在生成样本与真实样本重合的地方，它等于 $\tfrac12$。热力图画出非饱和训练结束时的 $D$ 在整个平面上的输出，白点是真实样本，黑色叉号是生成样本。单元格先打印 $D$ 在 8 个模式中心处的值（如果生成器覆盖了这些模式，$D^*$ 在那里就是 $\tfrac12$），再打印它在原点处的值（那里既没有数据也没有生成样本，理论对 $D$ 没有任何约束）。

# %%
with torch.no_grad():
    D_ns = run_ns.models["D"]
    at_modes = torch.sigmoid(D_ns(toy.modes("ring")))
    at_origin = torch.sigmoid(D_ns(torch.zeros(1, 2))).item()
print("D at the modes: ", [round(p, 2) for p in at_modes.tolist()])
print(f"D at the origin: {at_origin:.4f}")
pipeline.draw("gan_d_heatmap")

# %% [markdown]
# ## 更难的目标：25 个模式的网格
#
# 网格由 25 个标准差为 0.05 的模式组成，中心位于 $\{-4, -2, 0, 2, 4\}^2$：模式更多，相对而言彼此更近，也没有对称性可供生成器利用。请留意边上和角上那些很晚才被覆盖、甚至始终没被覆盖的模式，以及相邻模式之间由低质量样本连成的“桥”。

# %%
print(report(site["toy_grid_ns"][1]["metrics"]))
pipeline.draw("gan_grid_training")

# %% [markdown]
# ## 动手试一试
#
# - 在上面的小规模训练中设置 `loss="minimax"`，再加上 `d_steps=3`。它还能覆盖全部 8 个模式吗？如果改用 `betas=(0.9, 0.999)`（动量更大）呢？
# - 用 `d_steps=5` 让判别器每轮多走几步，或者用 `order="g_heavy", g_steps=5` 让生成器领先。数一数更新次数，保证比较公平。
# - 换到网格上训练：`gan.config_for("quick", dataset="grid")`。训练几秒钟能覆盖多少个模式？缺的是哪些？
# - 设置 `lr_cooldown=0.0`，比较高质量样本的比例：最终的质量有多少要归功于学习率的逐步降低？
# - 用 `score(samples, "ring")` 给你这次训练的每个快照打分，画出高质量样本比例随轮次变化的曲线。
