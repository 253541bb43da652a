// Breeding page: a plain click on a child breeds from it at once; shift-, ctrl- or cmd-click selects several to
// mate (then the "breed" button). Without JavaScript the checkboxes and buttons do the same.
document.addEventListener('DOMContentLoaded', function () {
  var form = document.getElementById('breed');
  if (!form || !document.getElementById('breed-button')) { return; }
  Array.prototype.forEach.call(form.querySelectorAll('label.child'), function (label) {
    var box = label.querySelector('input');
    label.addEventListener('click', function (event) {
      event.preventDefault();
      if (event.shiftKey || event.ctrlKey || event.metaKey) {
        box.checked = !box.checked;
        label.classList.toggle('chosen', box.checked);
        var export_child = document.querySelector('#export input[name=child]');
        if (export_child && box.checked) { export_child.value = box.value; }
        return;
      }
      Array.prototype.forEach.call(form.querySelectorAll('input[name=child]'), function (other) { other.checked = false; });
      box.checked = true;
      label.classList.add('chosen');
      form.submit();
    });
  });
});
