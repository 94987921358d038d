# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 动手实践：变分自编码器
#
# 本笔记本配合[变分自编码器](../../vae/)一页使用。你将深入 VAE 的损失内部看一看，亲手训练一个小型 VAE，然后研究绘制网站各图的那个模型：它的损失曲线、它生成的样本，以及它的二维潜在空间。
#
# 请从上到下依次运行各单元格。第一个单元格会在缺少本课程的 `gen_src` 包时（例如在 Colab 上）安装它。训练规模随机器而定：在 CPU 上用 `quick` 配置（每个模型大约一分钟），在 GPU 上用 `full` 配置。

# %%

# %% [markdown]
# ## 重参数化技巧
#
# 编码器为每张图像给出均值 $\mu$ 和对数方差 $\log\sigma^2$，编码则是一个样本 $z \sim \mathcal{N}(\mu, \sigma^2)$。为了让梯度传到 $\mu$ 和 $\sigma$，把这个样本写成 $z = \mu + \sigma \odot \varepsilon$，其中 $\varepsilon \sim \mathcal{N}(0, I)$。下面的单元格在 $\mathbb{E}[z^2] = \mu^2 + \sigma^2$ 上检验这个技巧，它的梯度我们可以精确算出。

# %%

# %%

# %% [markdown]
# ## 一个批次上的损失
#
# VAE 最小化的是每张图像的负证据下界（负 ELBO）：
#
# $$
# -\mathrm{ELBO}(x) = \underbrace{-\mathbb{E}_{q_\phi(z \mid x)}
# \big[\log p_\theta(x \mid z)\big]}_{\text{重建}}
# + \underbrace{D_{\mathrm{KL}}\big(q_\phi(z \mid x) \,\|\, p(z)\big)}_{\text{KL}} .
# $$
#
# 编码器是高斯分布、先验是 $\mathcal{N}(0, I)$ 时，KL 项有闭式解。下面的单元格用网站训练好的 VAE，把闭式解与蒙特卡洛估计（每张图像抽取许多个 $z$）相比较。

# %%

# %%

# %% [markdown]
# ## 亲手训练一个 VAE
#
# 训练循环很短：编码、采样、解码、算损失、更新一步。这里只在 Fashion-MNIST 的一小部分上训练一轮，几秒钟就能跑完，所以打印出的测试集负 ELBO 比网站上的模型高得多。想训练得更久，修改 `config` 即可。

# %%

# %%

# %% [markdown]
# ## 网站上的模型
#
# `pipeline.trained("vae")` 返回的是 VAE 一页各图背后的训练结果：同样的代码，按上面的配置训练。它的记录说明了它是怎样训练的、效果如何，单位是测试集上每张图像的奈特数。

# %%

# %% [markdown]
# 随着训练进行，训练批次上的重建项和 KL 项的变化。KL 项在早期上升：编码器开始利用它的潜向量了。

# %%

# %% [markdown]
# 测试图像（上）及其重建结果（下）；接着是从先验 $\mathcal{N}(0, I)$ 中抽取编码、解码得到的新图像。

# %%

# %%

# %% [markdown]
# ## 可以从中采样的潜在空间
#
# 编码只有两维时，潜在空间就能画出来。左边是普通自编码器：编码聚成一簇簇，中间有空隙，范围也没有定数。右边是 VAE：编码铺满了先验质量集中的区域。

# %%

# %% [markdown]
# 在 $\mathcal{N}(0, 1)$ 的分位数上取一张网格，把每个编码解码，可以看出一种服装怎样平滑地变成另一种。

# %%

# %% [markdown]
# ## 在两张图像之间漫步
#
# 编码两张测试图像，沿它们的均值之间的直线前进，逐点解码。每一步都解码成一件像样的衣服：这就是 KL 项换来的连续性。

# %%

# %% [markdown]
# ## 动手试一试
#
# - 在 `vae.config_for` 中设 `beta=4` 再训练一次，KL 项的权重就变大了。重建结果会怎样变化？样本呢？
# - 用 `latent_dim=2` 训练，把测试集负 ELBO 与 20 维模型的比较一下。
# - 在两张不同类别的图像之间漫步。服装是在哪一步变样的？
