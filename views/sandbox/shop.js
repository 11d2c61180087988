// 去支付: ask the payment service for the signed Alipay URL, as Meiduo's front end does, and follow it.
document.querySelectorAll('button[data-order-id]').forEach((button) => {
  button.addEventListener('click', async () => {
    const status = document.getElementById('status');
    button.disabled = true;
    status.textContent = '正在跳转到支付宝……';
    try {
      const response = await fetch(`/payment/${encodeURIComponent(button.dataset.orderId)}/`);
      const answer = await response.json();
      if (answer.code !== '0') throw new Error(answer.errmsg);
      window.location.href = answer.alipay_url;
    } catch (error) {
      status.textContent = `无法发起支付：${error.message}`;
      button.disabled = false;
    }
  });
});
